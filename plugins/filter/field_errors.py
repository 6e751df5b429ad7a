# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Closed-form checks of a list of values, or of one field of a list of dicts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: field_errors
short_description: Check each value of a list, or one field of each dict, against a closed form
description:
  - The list form of C(lvs.cluster.form_errors), with the same forms and messages.
  - C(name) is a format string filled from each dict's fields and C({index}), so the
    message says which entry is wrong.
positional: _input, form, name, field
options:
  _input:
    description: The values, or dicts holding them.
    type: list
    required: true
  form:
    description: The form every value must have (see C(lvs.cluster.form_errors)).
    type: str
    required: true
  name:
    description: The variable, as a format string such as C(real server {host}) or C(ports[{index}]).
    type: str
    required: true
  field:
    description: The key of the value in each dict; unset when the list holds the values.
    type: str
"""

EXAMPLES = r"""
errors: "{{ director_addresses | lvs.cluster.field_errors('ipv4', 'address of real server {host}', 'address') }}"
"""

RETURN = r"""
_value:
  description: One message per value not of its form; empty when all pass.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import field_errors


class FilterModule(object):
    """Closed-form checks of lists of values."""

    def filters(self):
        return {'field_errors': field_errors}
