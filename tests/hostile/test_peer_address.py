# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A VRRP peer is named by its own address, never by a VIP it holds.

A director's gathered all_ipv4_addresses carry the VIPs it holds: a VRRP master's,
and every director's BGP VIP on lo, which comes first (lo is interface 1). Taking
the first address on the VIP's network made the BGP VIP every director's unicast
peer in molecule/ecmp: adverts went to the sender itself and both directors held
the VRRP VIP.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from cluster import REPO, Cluster

INVENTORY = os.path.join(REPO, 'inventories', 'lab')
BGP_VIP = '10.44.0.150'
VIPS = [
    {'name': 'web', 'address': '10.44.0.100', 'virtual_router_id': 51, 'master': 'lvs1'},
    {'name': 'edge', 'address': BGP_VIP, 'announce': 'bgp'},
]


def unicast_of(cluster, host):
    variables = cluster.role_vars('director', host)
    return cluster.director_interfaces(variables)['unicast']['web']


def own_address(cluster, host):
    return cluster.role_vars('director', host)['ansible_facts']['default_ipv4']['address']


def test_peer_holding_vips_is_named_by_its_own_address():
    plain = Cluster(INVENTORY, extra_vars={'lvs_vips': VIPS})
    lvs1, lvs2 = own_address(plain, 'lvs1'), own_address(plain, 'lvs2')
    holding = {'lvs1': {'all_ipv4_addresses': [BGP_VIP, lvs1, VIPS[0]['address']]},
               'lvs2': {'all_ipv4_addresses': [BGP_VIP, lvs2]}}
    cluster = Cluster(INVENTORY, extra_vars={'lvs_vips': VIPS}, host_facts=holding)
    assert unicast_of(cluster, 'lvs1') == {'src': lvs1, 'peers': [lvs2]}
    assert unicast_of(cluster, 'lvs2') == {'src': lvs2, 'peers': [lvs1]}
