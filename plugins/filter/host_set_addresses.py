# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The elements of a host set of lvs.cluster.nft_table."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: host_set_addresses
short_description: The addresses of a host set of lvs.cluster.nft_table, by IP version
description:
  - The gathered addresses (C(all_ipv4_addresses), C(all_ipv6_addresses)) of the inventory hosts in
    O(_input), without the floating ones (VIPs and VIP gateways, never a host's own), each list
    sorted once. They are the elements of the host set's two nft sets, C(NAME) and C(NAME_v6);
    lvs.cluster.firewall_errors checks them against their closed forms before the table is written.
positional: _input, hostvars, floating
options:
  _input:
    description: The inventory hostnames of the set; a name that is no inventory host adds nothing.
    type: list
    elements: str
    required: true
  hostvars:
    description: C(hostvars), with the hosts' network facts.
    type: dict
    required: true
  floating:
    description: The floating addresses (lvs.cluster.floating_addresses).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
addresses: "{{ ['lvs2'] | lvs.cluster.host_set_addresses(hostvars, lvs_vips | lvs.cluster.floating_addresses) }}"
"""

RETURN = r"""
_value:
  description: C({ipv4, ipv6}), each a sorted list of addresses.
  type: dict
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import host_set_addresses


class FilterModule(object):
    """Addresses of the cluster's hosts."""

    def filters(self):
        return {'host_set_addresses': host_set_addresses}
