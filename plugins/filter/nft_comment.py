# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write free text as an nftables quoted string."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: nft_comment
short_description: Write free text as an nft quoted string (a rule comment)
description:
  - nft reads a quoted string up to the next double quote, with no escapes (nftables 1.0.6
    scanner). So double quotes become single quotes and control characters blanks, and the
    text can neither end the string nor start a new line of rules.
  - nft refuses a comment over 128 bytes; a longer text is cut to 117 bytes (whole UTF-8
    characters) followed by C(...).
positional: _input
options:
  _input:
    description: The text.
    type: str
    required: true
"""

EXAMPLES = r"""
rule: "ip daddr {{ address }} accept comment {{ service.name | lvs.cluster.nft_comment }}"
"""

RETURN = r"""
_value:
  description: The text in double quotes.
  type: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import CONTROL

# Longer comments are cut; kept under nft's limit of 128 bytes.
LONGEST = 125
CUT = 117


def nft_comment(value):
    """value as an nft quoted string, within nft's comment length."""
    text = CONTROL.sub(' ', str(value).replace('"', "'"))
    encoded = text.encode('utf-8')
    if len(encoded) > LONGEST:
        text = encoded[:CUT].decode('utf-8', 'ignore') + '...'
    return '"%s"' % text


class FilterModule(object):
    """nftables strings."""

    def filters(self):
        return {'nft_comment': nft_comment}
