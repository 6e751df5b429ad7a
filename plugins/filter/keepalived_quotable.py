# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Why a value cannot be one keepalived word of a line read without escapes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: keepalived_quotable
short_description: Say why a value cannot be written as one keepalived word ("" when it can)
description:
  - For the keepalived keywords read with keepalived's general tokenizer (C(alloc_strvec_r),
    lib/parser.c, keepalived 2.2.7), such as C(auth_pass) and C(path). It reads C("...") up to
    the next double quote with no escapes, and its comment stripper reads a backslash before
    the closing quote as an escaped quote.
  - So a double quote, a control character or a trailing backslash cannot be written;
    anything else can (see C(lvs.cluster.keepalived_word)).
  - The reason never contains the value, which may be a password.
positional: _input
options:
  _input:
    description: The value.
    type: str
    required: true
"""

EXAMPLES = r"""
problem: "{{ vip.auth_pass | lvs.cluster.keepalived_quotable }}"
"""

RETURN = r"""
_value:
  description: Why the value cannot be written, or an empty string.
  type: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import keepalived_quotable


class FilterModule(object):
    """What keepalived cannot read without escapes."""

    def filters(self):
        return {'keepalived_quotable': keepalived_quotable}
