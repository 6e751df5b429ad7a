# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a value into keepalived.conf as one word: bare when plain, else in double quotes."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: keepalived_word
short_description: Write a value as one keepalived word, bare when plain, else in double quotes
description:
  - For the keepalived keywords read without escapes (C(auth_pass), C(path)). A plain value
    (no blank, quote, C(!), C(#), backslash or control character) is written as it is, so
    files of plain values do not change; any other is put in double quotes.
  - A value keepalived cannot read this way (see C(lvs.cluster.keepalived_quotable)) fails
    the template, without showing the value; the roles refuse such values beforehand.
positional: _input
options:
  _input:
    description: The value.
    type: str
    required: true
"""

EXAMPLES = r"""
line: "auth_pass {{ vip.auth_pass | lvs.cluster.keepalived_word }}"
"""

RETURN = r"""
_value:
  description: The value as one keepalived word.
  type: str
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.lvs.cluster.plugins.filter.keepalived_escaped import PLAIN_WORD
from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import keepalived_quotable


def keepalived_word(value):
    """value as one keepalived word: as it is when plain, else in double quotes."""
    value = str(value)
    if PLAIN_WORD.fullmatch(value):
        return value
    problem = keepalived_quotable(value)
    if problem:
        # Never echo the value: this filter writes passwords.
        raise AnsibleFilterError('keepalived_word: a value that %s cannot be written into keepalived.conf' % problem)
    return '"%s"' % value


class FilterModule(object):
    """One-word values for keepalived.conf."""

    def filters(self):
        return {'keepalived_word': keepalived_word}
