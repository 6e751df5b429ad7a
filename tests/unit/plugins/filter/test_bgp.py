# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.lvs.cluster.plugins.filter import bgp_disagreements as disagreements_plugin
from ansible_collections.lvs.cluster.plugins.filter import bgp_errors as errors_plugin
from ansible_collections.lvs.cluster.plugins.filter import bgp_settings as settings_plugin
from ansible_collections.lvs.cluster.plugins.filter.bgp_disagreements import bgp_disagreements
from ansible_collections.lvs.cluster.plugins.filter.bgp_errors import bgp_errors
from ansible_collections.lvs.cluster.plugins.filter.bgp_settings import bgp_settings
from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import form_errors, is_form

PEER_DEFAULTS = {'bfd': True, 'bfd_receive_interval': 300, 'bfd_transmit_interval': 300, 'bfd_multiplier': 3,
                 'keepalive': 3, 'hold': 9}
BGP = {'asn': 65001, 'communities': ['65001:100', 'no-export'], 'peers': [{'address': '10.0.0.1', 'asn': 65000}]}
VIPS = [{'name': 'web', 'address': '10.44.0.100', 'announce': 'bgp'},
        {'name': 'old', 'address': '10.44.0.101', 'virtual_router_id': 51}]
SERVICES = [{'name': 'web', 'vip': 'web', 'port': 80, 'real_servers': ['rs1']},
            {'name': 'old', 'vip': 'old', 'port': 80, 'scheduler': 'wlc', 'forwarding': 'nat'}]


def errors(bgp=None, vips=None, services=None, owner='keepalived', allow=False):
    settings = bgp_settings(BGP if bgp is None else bgp, PEER_DEFAULTS, '10.0.0.11')
    return bgp_errors(settings, VIPS if vips is None else vips, SERVICES if services is None else services, owner, allow)


@pytest.mark.parametrize('form, value', [
    ('asn', 1), ('asn', 4294967295), ('asn', '65001'),
    ('bgp_community', '65001:100'), ('bgp_community', '0:0'), ('bgp_community', '65535:65535'),
    ('bgp_community', 'graceful-shutdown'), ('bgp_community', 'no-export'),
    ('bfd_interval', 10), ('bfd_interval', 60000), ('bfd_multiplier', 2), ('bfd_multiplier', 255),
    ('bgp_password', 'S3cret.pass-word'), ('bgp_password', 'x' * 80),
])
def test_bgp_forms_accept(form, value):
    assert is_form(value, form)


@pytest.mark.parametrize('form, value', [
    ('asn', 0), ('asn', 4294967296), ('asn', '65001\n'), ('asn', True), ('asn', -1),
    ('bgp_community', '65536:1'), ('bgp_community', '1:-1'), ('bgp_community', '1:2:3'), ('bgp_community', '65001'),
    ('bgp_community', 'no-export\n'), ('bgp_community', 'internet'), ('bgp_community', 1),
    ('bfd_interval', 9), ('bfd_interval', 60001), ('bfd_multiplier', 1), ('bfd_multiplier', 256),
    ('bgp_password', ''), ('bgp_password', 'x' * 81), ('bgp_password', 'two words'), ('bgp_password', 'a!b'),
    ('bgp_password', 'a#b'), ('bgp_password', 'a"b'), ('bgp_password', 'ab\n'),
])
def test_bgp_forms_refuse(form, value):
    assert not is_form(value, form)


def test_password_is_masked():
    assert form_errors([['bad pass', 'bgp_password', 'director_bgp.peers[0].password', 'secret']]) == [
        'director_bgp.peers[0].password: ******** is not ' + form_errors([[' ', 'bgp_password', 'x']])[0].split(' is not ')[1]]


def test_settings_merge_peer_defaults_and_router_id():
    settings = bgp_settings({'asn': 65001, 'peers': [{'address': '10.0.0.1', 'asn': 65000, 'bfd': False}]}, PEER_DEFAULTS, '10.0.0.11')
    assert settings['router_id'] == '10.0.0.11'
    assert settings['communities'] == []
    assert settings['peers'][0] == dict(PEER_DEFAULTS, address='10.0.0.1', asn=65000, bfd=False)


def test_valid_cluster_passes():
    assert errors() == []


def test_no_bgp_vip_reads_nothing():
    assert errors(bgp={'asn': 'junk', 'peers': 'junk'}, vips=[VIPS[1]], services=[SERVICES[1]]) == []


@pytest.mark.parametrize('bgp, expected', [
    ({'peers': [{'address': '10.0.0.1', 'asn': 65000}]}, 'director_bgp.asn is required'),
    (dict(BGP, asn=0), 'director_bgp.asn: 0 is not an AS number'),
    (dict(BGP, router_id='10.0.0.300'), 'director_bgp.router_id'),
    (dict(BGP, communities=['65001:100\nrouter bgp 1']), 'director_bgp.communities[0]'),
    (dict(BGP, peers=[]), 'director_bgp.peers: a BGP VIP needs at least one peer'),
    (dict(BGP, peers=[{'address': '10.0.0.1'}]), 'director_bgp.peers[0].asn is required'),
    (dict(BGP, peers=[{'address': '10.0.0.1 remote-as 1', 'asn': 65000}]), 'director_bgp.peers[0].address'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'password': 'x\n neighbor 1.1.1.1'}]), 'director_bgp.peers[0].password: ********'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'bfd_receive_interval': 5}]), 'director_bgp.peers[0].bfd_receive_interval'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'bfd_multiplier': 1}]), 'director_bgp.peers[0].bfd_multiplier'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'hold': 2}]), 'director_bgp.peers[0].hold must be 0 or 3-65535'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'keepalive': 5, 'hold': 9}]), 'keepalive 5 is more than a third of hold 9'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'bfd': 'yes'}]), 'director_bgp.peers[0].bfd must be true or false'),
    (dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000}, {'address': '10.0.0.1', 'asn': 65002}]), '10.0.0.1 is listed more than once'),
])
def test_director_bgp_refused(bgp, expected):
    assert any(expected in message for message in errors(bgp=bgp)), errors(bgp=bgp)


def test_password_never_shown():
    bgp = dict(BGP, peers=[{'address': '10.0.0.1', 'asn': 65000, 'password': 'hunter 2'}])
    assert not any('hunter' in message for message in errors(bgp=bgp))


def service(**changes):
    services = copy.deepcopy(SERVICES)
    services[0].update(changes)
    return services


@pytest.mark.parametrize('services, owner, expected', [
    (service(scheduler='wrr'), 'keepalived', 'scheduler wrr is not consistent across directors (use mh or sh)'),
    (service(scheduler='wrr'), 'keepalived', 'set director_bgp_allow_inconsistent: true'),
    (service(rules_owner='ipvsadm'), 'keepalived', 'needs rules_owner keepalived'),
    (service(), 'ipvsadm', 'needs rules_owner keepalived'),
    (service(forwarding='nat'), 'keepalived', 'forwards by dr or tun'),
    (service(scheduler='sh', mh_port=True), 'keepalived', 'mh_port and mh_fallback are flags of the mh scheduler'),
])
def test_bgp_services_refused(services, owner, expected):
    assert any(expected in message for message in errors(services=services, owner=owner)), errors(services=services, owner=owner)


def test_override_accepts_another_scheduler():
    assert errors(services=service(scheduler='wrr'), allow=True) == []


@pytest.mark.parametrize('vip, expected', [
    (dict(VIPS[0], prefix=24), 'is announced as a /32'),
    (dict(VIPS[0], address='fd00::100', prefix=64), 'is announced as a /128'),
    (dict(VIPS[0], address='fd00::100'), 'lvs_vips[0] (web): an IPv6 VIP is announced to IPv6 peers, and director_bgp.peers has none'),
    (dict(VIPS[0], gateway={'address': '10.45.0.1', 'interface': 'eth1'}), 'gateway follows VRRP'),
])
def test_bgp_vips_refused(vip, expected):
    assert any(expected in message for message in errors(vips=[vip, VIPS[1]])), errors(vips=[vip, VIPS[1]])


def test_each_ip_version_of_the_bgp_vips_needs_peers_of_its_own():
    v6 = {'name': 'web6', 'address': 'fd00::100', 'announce': 'bgp'}
    dual = dict(BGP, peers=BGP['peers'] + [{'address': 'fd00::1', 'asn': 65000}])
    assert errors(bgp=dual, vips=VIPS + [v6]) == []
    assert errors(bgp=dict(BGP, peers=[{'address': 'fd00::1', 'asn': 65000}])) == [
        'lvs_vips[0] (web): an IPv4 VIP is announced to IPv4 peers, and director_bgp.peers has none']
    assert errors(bgp=dict(BGP, peers=[{'address': 'fd00::1 remote-as 1', 'asn': 65000}]), vips=[v6]) == [
        "director_bgp.peers[0].address: 'fd00::1 remote-as 1' is not an IPv4 or IPv6 address",
        'lvs_vips[0] (web6): an IPv6 VIP is announced to IPv6 peers, and director_bgp.peers has none']


RESOLVED = {'name': 'web', 'announce': 'bgp', 'scheduler': 'mh', 'mh_port': True, 'mh_fallback': False,
            'real_servers': [{'address': '10.44.0.15', 'port': 80, 'weight': 1}, {'address': '10.44.0.16', 'port': 80, 'weight': 1}]}


def test_directors_that_agree():
    other = dict(RESOLVED, real_servers=list(reversed(RESOLVED['real_servers'])))   # order does not matter
    assert bgp_disagreements({'lvs1': [RESOLVED], 'lvs2': [other]}, False) == []


@pytest.mark.parametrize('change', [
    {'real_servers': RESOLVED['real_servers'][:1]},
    {'real_servers': [dict(RESOLVED['real_servers'][0], weight=2), RESOLVED['real_servers'][1]]},
    {'scheduler': 'sh'},
    {'mh_port': False},
])
def test_directors_that_disagree(change):
    messages = bgp_disagreements({'lvs1': [RESOLVED], 'lvs2': [dict(RESOLVED, **change)]}, False)
    assert len(messages) == 1
    assert 'directors lvs1 and lvs2 disagree' in messages[0] and 'director_bgp_allow_inconsistent' in messages[0]
    assert bgp_disagreements({'lvs1': [RESOLVED], 'lvs2': [dict(RESOLVED, **change)]}, True) == []


def test_vrrp_services_are_not_compared():
    vrrp = {'name': 'old', 'scheduler': 'wlc', 'real_servers': []}
    assert bgp_disagreements({'lvs1': [RESOLVED, vrrp], 'lvs2': [RESOLVED, dict(vrrp, scheduler='rr')]}, False) == []


def test_a_service_on_one_director_only():
    assert len(bgp_disagreements({'lvs1': [RESOLVED], 'lvs2': []}, False)) == 1


@pytest.mark.parametrize('plugin, name', [(errors_plugin, 'bgp_errors'), (settings_plugin, 'bgp_settings'),
                                          (disagreements_plugin, 'bgp_disagreements')])
def test_filters_are_registered(plugin, name):
    assert list(plugin.FilterModule().filters()) == [name]
