# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The director role's checks of the shared tree (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: director_errors
short_description: The director role's checks that argument_specs cannot express
description:
  - First every value the director writes as it is into keepalived.conf, the fwmark table and its unit or the sorry
    site, against its closed form (the VRRP password must be writable as one keepalived word; the message masks
    it). Free text (commands, URL paths) is written escaped instead.
  - Then, once those pass, the checks across fields - unique names, a service's VIP exists, port xor fwmark, VRRP ids
    unique per interface, a master among the directors, VRRPv2/v3 constraints, real servers that are inventory hosts or
    addresses, scripts with absolute paths and script security, the sync daemon's VIP.
  - Returns one message per fault naming the variable; empty when all hold.
positional: _input, settings, hostvars
options:
  _input:
    description: C({vips, services, rules_owner}), the shared tree (C(lvs_vips), C(lvs_virtual_services), C(lvs_rules_owner)).
    type: dict
    required: true
  settings:
    description: The director's settings these checks read (C(director_checked_settings) in the role's C(vars/main.yml)).
    type: dict
    required: true
  hostvars:
    description: C(hostvars), for the real servers and directors named by inventory host.
    type: dict
    required: true
"""

EXAMPLES = r"""
director_errors: >-
  {{ {'vips': lvs_vips, 'services': lvs_virtual_services, 'rules_owner': 'keepalived'}
     | lvs.cluster.director_errors(director_checked_settings, hostvars) }}
"""

RETURN = r"""
_value:
  description: The messages.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import director_errors


class FilterModule(object):
    """The cluster model, the director's checks."""

    def filters(self):
        return {'director_errors': director_errors}
