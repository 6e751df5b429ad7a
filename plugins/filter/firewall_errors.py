# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The checks of a host's input filter (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: firewall_errors
short_description: The checks of an LVS host's input filter (lvs_firewall), before lvs.cluster.nft_table writes it
description:
  - firewalld must not run (its own table would still drop what the filter accepts); a host may be in one of the
    cluster's groups only; ports are 1-65535; a rule's C(from) names a host or address set.
  - Set names and protocols must be identifiers and addresses IPv4 addresses, since they are written as they are into
    the table; every host of a host set must be an inventory host with a known IPv4 address that is not a VIP.
  - Returns one message per fault, naming the variable (a rule by its C(comment)); empty when all hold.
positional: _input, host_sets, address_sets, hostvars, context
options:
  _input:
    description: The rules, C(nft_table_accept).
    type: list
    elements: dict
    required: true
  host_sets:
    description: C(nft_table_host_sets).
    type: dict
    required: true
  address_sets:
    description: C(nft_table_address_sets).
    type: dict
    required: true
  hostvars:
    description: C(hostvars), for the host sets' addresses.
    type: dict
    required: true
  context:
    description:
      - C({host, table, firewalld_active, groups, management_ports, floating}) - this host, its table's name, whether
        firewalld runs, which of the cluster's groups it is in, C(lvs_firewall_management_ports), and the VIPs and
        gateways (never a host's address).
    type: dict
    required: true
"""

EXAMPLES = r"""
nft_table_errors: >-
  {{ nft_table_accept | lvs.cluster.firewall_errors(nft_table_host_sets, nft_table_address_sets, hostvars,
     {'host': inventory_hostname, 'table': 'lvs_cluster_filter', 'firewalld_active': false, 'groups': ['directors'],
      'management_ports': [22], 'floating': []}) }}
"""

RETURN = r"""
_value:
  description: The messages.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import firewall_errors


class FilterModule(object):
    """The cluster model, an input filter's checks."""

    def filters(self):
        return {'firewall_errors': firewall_errors}
