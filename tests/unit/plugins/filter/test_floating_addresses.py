# -*- coding: utf-8 -*-
"""floating_addresses: the addresses a host may hold that are not its own."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.lvs.cluster.plugins.filter.floating_addresses import floating_addresses


def test_vips_then_gateways():
    vips = [
        {'name': 'web', 'address': '10.99.1.100', 'announce': 'bgp'},
        {'name': 'nat', 'address': '192.0.2.10', 'gateway': {'address': '10.0.0.1', 'prefix': 24}},
        {'name': 'dr', 'address': '192.0.2.20'},
    ]
    assert floating_addresses(vips) == ['10.99.1.100', '192.0.2.10', '192.0.2.20', '10.0.0.1']


def test_none_and_incomplete_entries():
    # The roles' own checks name a VIP without an address; this filter only must not fail first.
    assert floating_addresses(None) == []
    assert floating_addresses([{'name': 'x'}, {'name': 'y', 'address': '192.0.2.1', 'gateway': None}]) == ['192.0.2.1']
