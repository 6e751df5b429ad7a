# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The addresses that move between hosts: VIPs and their gateways."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: floating_addresses
short_description: The VIPs and VIP gateways of lvs_vips
description:
  - A host's gathered addresses include the VIPs it holds (a VRRP master's VIP and gateway,
    every director's BGP VIP on C(lo)). They are never a host's own address, so whatever
    names a host by an address (a VRRP unicast peer, a firewall set) leaves them out.
positional: _input
options:
  _input:
    description: C(lvs_vips).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
peer_addresses: "{{ hostvars[peer].ansible_facts.all_ipv4_addresses | reject('in', lvs_vips | lvs.cluster.floating_addresses) }}"
"""

RETURN = r"""
_value:
  description: Each VIP's address and each VIP gateway's address, in the order of C(lvs_vips).
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import floating_addresses


class FilterModule(object):
    """Addresses of the cluster."""

    def filters(self):
        return {'floating_addresses': floating_addresses}
