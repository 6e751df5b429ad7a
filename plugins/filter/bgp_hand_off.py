# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The BGP VIPs' services that another director backs (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: bgp_hand_off
short_description: The services of BGP VIPs that another director backs, with that director's address
description:
  - The services of O(_input) whose VIP is announced by BGP and that have no sorry server of their own, each with
    C(peer), the director that backs it - keepalived's sorry server of the service, and where the director's
    nftables hand-off sends the service's packets that IPVS does not take (a deleted service, keepalived
    restarting).
  - That director is the next one after O(host) in O(directors), so that each director hands its flows to a
    different one, at its address of the service's IP version (C(second_chance) or C(second_chance6) of
    O(interfaces)). A service with no such address is left out.
positional: _input, bgp_vip_names, interfaces, directors, host
options:
  _input:
    description: The director's services as lvs.cluster.director_services resolves them (keepalived's present ones).
    type: list
    elements: dict
    required: true
  bgp_vip_names:
    description: The names of the VIPs with C(announce) C(bgp).
    type: list
    elements: str
    required: true
  interfaces:
    description: lvs.cluster.director_interfaces of this director.
    type: dict
    required: true
  directors:
    description: The directors of the cluster (C(director_vrrp_peers)).
    type: list
    elements: str
    required: true
  host:
    description: This director's inventory hostname.
    type: str
    required: true
"""

EXAMPLES = r"""
backed: >-
  {{ director_keepalived_services | lvs.cluster.bgp_hand_off(director_bgp_vips | map(attribute='name'),
     director_interfaces, director_vrrp_peers, inventory_hostname) }}
"""

RETURN = r"""
_value:
  description: The services backed by another director, each with its C(peer) address.
  type: list
  elements: dict
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import bgp_hand_off


class FilterModule(object):
    """The BGP VIPs' hand-off to another director."""

    def filters(self):
        return {'bgp_hand_off': bgp_hand_off}
