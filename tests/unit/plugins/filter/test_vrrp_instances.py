# -*- coding: utf-8 -*-
"""vrrp_instances: the VRRP VIPs as keepalived names their instances, without their secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.lvs.cluster.plugins.filter.vrrp_instances import vrrp_instances


def test_vrrp_vips_only_and_no_secret():
    vips = [
        {'name': 'web', 'address': '10.44.0.100', 'auth_pass': 'secret', 'virtual_router_id': 51},
        {'name': 'anycast', 'address': '10.99.1.100', 'announce': 'bgp'},
        {'name': 'web6', 'address': 'fd00:45::100', 'announce': 'vrrp'},
    ]
    assert vrrp_instances(vips) == [
        {'instance': 'VI_web', 'vip': 'web', 'address': '10.44.0.100'},
        {'instance': 'VI_web6', 'vip': 'web6', 'address': 'fd00:45::100'}]


def test_no_vips():
    assert vrrp_instances(None) == []
