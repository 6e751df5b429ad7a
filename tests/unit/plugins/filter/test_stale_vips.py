# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""stale_vips: what the realserver role takes off lo and tunl0.

The unit is the role's own network.service.j2 rendered by Ansible's templar,
so the filter reads what the role writes; the addresses are `ip -j -4 addr
show` of iproute2 6.1 captured in a namespace (tests/unit/fixtures/realserver/,
capture-ip-addr.sh there): VIPs 10.44.0.100 and .101 and fd00:44::100 on lo as
the unit adds them, .102 on tunl0, and an operator's own .199 (lo:9),
fd00:44::199 (lo), .198 (tunl0) and .150 (eth0).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.lvs.cluster.plugins.filter.stale_vips import (
    FilterModule, stale_vips, vips_added_by_unit, vips_on_devices)

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(os.path.dirname(os.path.dirname(TESTS)), 'roles', 'realserver')


def read(*path):
    with open(os.path.join(*path)) as handle:
        return handle.read()


@pytest.fixture(scope='module')
def interfaces():
    return json.loads(read(TESTS, 'fixtures', 'realserver', 'rs1-ip-addr.json'))


def unit(dr_vips=(), tun_vips=(), nat_route=''):
    """lvs-realserver.service as the realserver role writes it."""
    variables = dict(ansible_managed='Ansible managed', realserver_web_server='nginx', realserver_nginx_service='nginx',
                     realserver_apache_service='apache2', realserver_nat_route=nat_route,
                     realserver_served=dict(dr_vips=list(dr_vips), tun_vips=list(tun_vips)))
    templar = Templar(loader=DataLoader(), variables=variables)
    return templar.template(trust_as_template(read(ROLE, 'templates', 'network.service.j2')))


EARLIER = dict(dr_vips=['10.44.0.100', '10.44.0.101', 'fd00:44::100'], tun_vips=['10.44.0.102'])


def stale(interfaces, dr_vips=(), tun_vips=(), before=None):
    text = unit(**EARLIER) if before is None else before
    return [(vip['address'], vip['device']) for vip in stale_vips(text, list(dr_vips), list(tun_vips), interfaces)]


def test_the_unit_lists_what_the_role_adds():
    text = unit(dr_vips=['10.44.0.100', '10.44.0.101', 'fd00:44::100'], tun_vips=['10.44.0.102'], nat_route='10.44.1.1')
    assert vips_added_by_unit(text) == {('10.44.0.100', 'lo'), ('10.44.0.101', 'lo'), ('fd00:44::100', 'lo'),
                                        ('10.44.0.102', 'tunl0')}
    assert 'ExecStart=/sbin/ip -6 addr replace fd00:44::100/128 dev lo\n' in text
    assert vips_added_by_unit(unit(nat_route='10.44.1.1')) == set()


def test_the_capture_holds_the_role_s_and_the_operator_s_addresses(interfaces):
    assert vips_on_devices(interfaces) == {('10.44.0.100', 'lo'), ('10.44.0.101', 'lo'), ('10.44.0.199', 'lo'),
                                           ('fd00:44::100', 'lo'), ('fd00:44::199', 'lo'), ('::1', 'lo'),
                                           ('10.44.0.102', 'tunl0'), ('10.44.0.198', 'tunl0')}


def test_nothing_is_stale_while_every_vip_is_served(interfaces):
    assert stale(interfaces, **EARLIER) == []


def test_a_vip_no_service_uses_is_stale(interfaces):
    assert stale(interfaces, dr_vips=['10.44.0.100', 'fd00:44::100'], tun_vips=['10.44.0.102']) == [('10.44.0.101', 'lo')]
    assert stale(interfaces, dr_vips=['10.44.0.100', '10.44.0.101'], tun_vips=['10.44.0.102']) == [('fd00:44::100', 'lo')]


def test_every_vip_is_stale_when_nothing_is_served(interfaces):
    assert stale(interfaces) == [('10.44.0.100', 'lo'), ('10.44.0.101', 'lo'), ('fd00:44::100', 'lo'), ('10.44.0.102', 'tunl0')]


def test_a_vip_moving_from_tun_to_dr_leaves_tunl0(interfaces):
    assert stale(interfaces, dr_vips=['10.44.0.100', '10.44.0.101', '10.44.0.102', 'fd00:44::100']) == [('10.44.0.102', 'tunl0')]


def test_addresses_the_role_never_added_stay(interfaces):
    """The operator's lo:9 and tunl0 address, and eth0's /32, even with nothing served."""
    removed = set(stale(interfaces))
    assert not removed & {('10.44.0.199', 'lo'), ('fd00:44::199', 'lo'), ('10.44.0.198', 'tunl0'), ('10.44.0.150', 'eth0')}


@pytest.mark.parametrize('before', ['', 'garbage\n', unit(nat_route='10.44.1.1')])
def test_without_an_earlier_unit_nothing_is_removed(interfaces, before):
    assert stale(interfaces, before=before) == []


def test_a_vip_already_gone_is_not_removed_again(interfaces):
    text = unit(dr_vips=['10.44.0.100', '10.44.0.103'])
    assert stale(interfaces, before=text) == [('10.44.0.100', 'lo')]


@pytest.mark.parametrize('line', [
    'ExecStop=-/sbin/ip -4 addr del 10.44.0.199/32 dev eth0',           # not a VIP device
    'ExecStop=-/sbin/ip -4 addr del 10.44.0.199/24 dev lo',             # not a /32
    'ExecStop=-/sbin/ip -6 addr del fd00:44::199/64 dev lo',            # not a /128
    'ExecStop=-/sbin/ip -4 addr del fd00:44::199/128 dev lo',           # not of its version
    'ExecStop=-/sbin/ip -6 addr del 10.44.0.199/32 dev lo',             # not of its version
    'ExecStop=-/sbin/ip -4 addr del 10.44.0.199;reboot/32 dev lo',      # not an address
    'ExecStart=/sbin/ip -4 addr replace 10.44.0.199/32 dev lo label lo:9',
])
def test_only_the_role_s_own_delete_lines_count(interfaces, line):
    assert stale(interfaces, before=line + '\n') == []


def test_a_stale_vip_says_its_prefix(interfaces):
    assert [vip['prefix'] for vip in stale_vips(unit(**EARLIER), [], [], interfaces)] == [32, 32, 128, 32]


def test_the_filter_is_registered():
    assert FilterModule().filters()['stale_vips'] is stale_vips
