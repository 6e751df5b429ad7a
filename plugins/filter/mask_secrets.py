# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Mask secrets in text that is about to be shown."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: mask_secrets
short_description: Replace every secret in a text with ********
description:
  - Masks each secret as it is, and also each of its blank-separated parts of four
    characters or more, because a program may quote only part of a value (keepalived
    names the word it refused, not the line).
  - Apply it to the raw text, before any rewriting such as collapsing blanks or trimming,
    which would change how a secret with blanks appears.
positional: _input
options:
  _input:
    description: The text.
    type: str
    required: true
  secrets:
    description: The secrets; empty ones are ignored.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
msg: "{{ keepalived_output | lvs.cluster.mask_secrets(lvs_vips | map(attribute='auth_pass', default='') | list) }}"
"""

RETURN = r"""
_value:
  description: The text with every secret, and every long part of one, replaced by C(********).
  type: str
"""

MASK = '********'
_SHORTEST_PART = 4


def _fragments(secret):
    """The secret, then its blank-separated parts long enough to be worth masking."""
    parts = [part for part in secret.split() if len(part) >= _SHORTEST_PART and part != secret]
    return [secret] + parts


def mask_secrets(text, secrets):
    """text with every secret and long part of one replaced by ********."""
    text = str(text)
    fragments = [f for s in secrets if s for f in _fragments(str(s))]
    for fragment in sorted(set(fragments), key=len, reverse=True):
        text = text.replace(fragment, MASK)
    return text


class FilterModule(object):
    """Masking of secrets in messages."""

    def filters(self):
        return {'mask_secrets': mask_secrets}
