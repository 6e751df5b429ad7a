# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A director's interfaces and the hosts it needs facts of (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: director_interfaces
short_description: The director interface of each VIP and gateway, and the addresses VRRP and the BGP gate send to
description:
  - For each VIP of O(_input), its C(interface), else the director interface whose network (IPv4, or global IPv6) holds its address
    (interface order is not stable across boots, a subnet is), else O(fallback_interface); for each gateway, its
    C(interface), else the one holding its address, else none (the role then stops, naming it).
  - With O(unicast), each VIP's advert source on its network and the other directors' addresses there, of the VIP's IP
    version (else their C(lvs_director_address), else their default IPv4; for an IPv6 VIP their default IPv6).
  - With O(bgp), C(second_chance) lists the other directors' IPv4 addresses on the network of the first IPv4 BGP peer,
    and when a BGP VIP is IPv6, C(second_chance6) their IPv6 addresses on the network of the first IPv6 peer.
  - The filter C(director_unresolved_hosts), in the same file, lists the real servers and peers named by inventory
    host whose address cannot be known yet (no C(lvs_realserver_address) or C(lvs_director_address), no facts).
positional: _input, facts, hostvars, host, peers, fallback_interface, unicast, bgp
options:
  _input:
    description: C(lvs_vips).
    type: list
    elements: dict
    required: true
  facts:
    description: This director's C(ansible_facts), with the network subset.
    type: dict
    required: true
  hostvars:
    description: C(hostvars), for the other directors' addresses.
    type: dict
    required: true
  host:
    description: This director's inventory hostname.
    type: str
    required: true
  peers:
    description: The directors of the cluster (C(director_vrrp_peers)).
    type: list
    elements: str
    required: true
  fallback_interface:
    description: C(director_vrrp_interface).
    type: str
    required: true
  unicast:
    description: C(director_vrrp_unicast).
    type: bool
    required: true
  bgp:
    description: C(director_bgp) when the BGP VIPs' second chance is on, else none.
    type: dict
    required: true
"""

EXAMPLES = r"""
director_interfaces: >-
  {{ lvs_vips | lvs.cluster.director_interfaces(ansible_facts, hostvars, inventory_hostname, director_vrrp_peers,
     director_vrrp_interface, director_vrrp_unicast, none) }}
gather_from: >-
  {{ lvs_virtual_services | lvs.cluster.director_unresolved_hosts(hostvars, inventory_hostname, director_vrrp_peers, false) }}
"""

RETURN = r"""
_value:
  description:
    - C(director_interfaces) - C({vips, gateways, unicast, second_chance}), interfaces by VIP name, C({src, peers}) by VIP
      name, and addresses; C(second_chance6) too when a BGP VIP is IPv6.
    - C(director_unresolved_hosts) - inventory hostnames.
  type: raw
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import director_interfaces, director_unresolved_hosts


class FilterModule(object):
    """The cluster model, a director's interfaces and unresolved hosts."""

    def filters(self):
        return {'director_interfaces': director_interfaces, 'director_unresolved_hosts': director_unresolved_hosts}
