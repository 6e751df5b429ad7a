# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write a command line or other free text into keepalived.conf as one quoted, escaped word."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: keepalived_escaped
short_description: Quote a value for a keepalived line read with quotes and backslash escapes
description:
  - "For the keepalived keywords whose line keepalived reads with C(alloc_strvec_quoted_escaped)
    (lib/parser.c, keepalived 2.2.7): C(script), C(notify), C(notify_master) and the other
    notify keywords, C(misc_path)."
  - Backslash and double quote are escaped and control characters written as three-digit
    octal escapes, so keepalived reads back exactly the value, newlines included.
  - keepalived then splits a command line into words itself (quotes group words), so a
    command line keeps the meaning its author wrote.
positional: _input
options:
  _input:
    description: The text.
    type: str
    required: true
  always:
    description: Quote even a value that needs no quoting (C(false) writes C(/bin/true) bare).
    type: bool
    default: true
"""

EXAMPLES = r"""
line: "misc_path {{ health_check.misc_path | lvs.cluster.keepalived_escaped }}"
"""

RETURN = r"""
_value:
  description: The value as one quoted keepalived word.
  type: str
"""

import re

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import CONTROL

# Outside quotes keepalived ends a word at a blank or quote, starts a comment at
# '!' or '#', and reads '\' as an escape or a line continuation.
PLAIN_WORD = re.compile(r'[^\s"\'!#\\\x00-\x1f\x7f]+')


def _octal(match):
    # Three digits always: keepalived reads at most three, so a digit after it stays a digit.
    return '\\%03o' % ord(match.group(0))


def keepalived_escaped(value, always=True):
    """value as one "..." word of a keepalived line read with backslash escapes."""
    value = str(value)
    if not always and PLAIN_WORD.fullmatch(value):
        return value
    escaped = value.replace('\\', '\\\\').replace('"', '\\"')
    return '"%s"' % CONTROL.sub(_octal, escaped)


class FilterModule(object):
    """Escaping for keepalived command lines."""

    def filters(self):
        return {'keepalived_escaped': keepalived_escaped}
