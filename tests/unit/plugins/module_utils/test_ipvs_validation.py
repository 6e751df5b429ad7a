# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad desired input: every message names the service and the field."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_model


def web(**overrides):
    service = dict(name='web', address='10.10.0.100', port=80, real_servers=[dict(address='10.10.0.11')])
    service.update(overrides)
    return service


def server(**fields):
    return web(real_servers=[dict(dict(address='10.10.0.11'), **fields)])


CASES = [
    ('bad address', [web(address='10.10.0.300')], "service 'web': address: '10.10.0.300' is not an IPv4 or IPv6"),
    ('port range', [web(port=65536)], "service 'web': port: 65536 is out of range 0-65535"),
    ('port 0 without persistence', [web(port=0)], "service 'web': port: 0 (any port) needs persistence_timeout"),
    ('missing port', [web(port=None)], "service 'web': port: is required unless fwmark is given"),
    ('fwmark range', [dict(name='mark', fwmark=4294967296)], "service 'mark': fwmark: 4294967296 is out of range"),
    ('port with fwmark', [dict(name='mark', fwmark=3, port=80)], "service 'mark': port: cannot be combined with fwmark"),
    ('protocol with fwmark', [dict(fwmark=3, protocol='tcp')], 'service fwmark 3: protocol: cannot be combined'),
    ('protocol', [web(protocol='icmp')], "service 'web': protocol: 'icmp' is not one of tcp, udp, sctp"),
    ('scheduler', [web(scheduler='fastest')], "service 'web': scheduler: 'fastest' is not one of rr, wrr"),
    ('scheduler flag', [web(scheduler='rr', scheduler_flags=['sh-port'])],
     "service 'web': scheduler_flags: sh-port is not valid for scheduler rr"),
    ('flag-3 with sh', [web(scheduler='sh', scheduler_flags=['flag-3'])],
     "service 'web': scheduler_flags: flag-3 is not valid for scheduler sh (use sh-fallback, sh-port)"),
    ('family mismatch', [web(family='ipv6')], "service 'web': family: ipv6 does not match address 10.10.0.100"),
    ('fwmark family', [dict(name='mark', fwmark=3, family='inet')], "service 'mark': family: 'inet' is not one of"),
    ('netmask without persistence', [web(persistence_netmask='255.255.255.0')],
     "service 'web': persistence_netmask: needs persistence_timeout"),
    ('bad netmask', [web(persistence_timeout=60, persistence_netmask='255.255.255.256')],
     "service 'web': persistence_netmask: '255.255.255.256' is not a valid ipv4 netmask"),
    ('netmask with holes', [web(persistence_timeout=60, persistence_netmask='255.0.255.0')],
     "service 'web': persistence_netmask: '255.0.255.0' is not a valid ipv4 netmask"),
    ('service forwarding without servers', [web(forwarding='bridge', real_servers=[])],
     "service 'web': forwarding: 'bridge' is not one of dr, nat, tun"),
    ('persistence timeout', [web(persistence_timeout=2678401)], "service 'web': persistence_timeout: 2678401 is out of range"),
    ('persistence engine', [web(persistence_engine='http')], "service 'web': persistence_engine: 'http' is not one of sip"),
    ('duplicate service', [web(), web(name='web2', address='10.10.0.100')],
     "service 'web2': key: duplicate of service 'web' (tcp 10.10.0.100:80)"),
    ('weight', [server(weight=65536)], "service 'web': real_servers[0] (10.10.0.11): weight: 65536 is out of range 0-65535"),
    ('negative weight', [server(weight=-1)], "real_servers[0] (10.10.0.11): weight: -1 is out of range"),
    ('threshold order', [server(upper_threshold=5, lower_threshold=10)],
     'real_servers[0] (10.10.0.11): lower_threshold: 10 is above upper_threshold 5'),
    ('forwarding', [server(forwarding='fullnat')], "real_servers[0] (10.10.0.11): forwarding: 'fullnat' is not one of dr, nat, tun"),
    ('service forwarding', [web(forwarding='proxy')], "service 'web': forwarding: 'proxy' is not one of dr, nat, tun"),
    ('server address', [server(address='rs1.example')], "real_servers[0] (rs1.example): address: 'rs1.example' is not"),
    ('server family', [server(address='2001:db8::11')],
     'real_servers[0] (2001:db8::11): family: address 2001:db8::11 is ipv6 but the service is ipv4 (mixing families needs'),
    ('dr port mapping', [server(port=8080)], 'real_servers[0] (10.10.0.11): port: 8080 differs from the service port 80'),
    ('tunnel option without tun', [server(tunnel_type='gue')], 'tunnel_type: only applies to forwarding tun, not dr'),
    ('gue needs a port', [server(forwarding='tun', tunnel_type='gue')], 'tunnel_port: is required with tunnel_type gue'),
    ('tunnel port only for gue', [server(forwarding='tun', tunnel_port=6080)],
     'tunnel_port: only applies to tunnel_type gue, not ipip'),
    ('remcsum with gre', [server(forwarding='tun', tunnel_type='gre', tunnel_checksum='remcsum')],
     'tunnel_checksum: remcsum is not supported by tunnel_type gre'),
    ('tunnel type', [server(forwarding='tun', tunnel_type='vxlan')], "tunnel_type: 'vxlan' is not one of ipip, gue, gre"),
    ('duplicate server', [web(real_servers=[dict(address='10.10.0.11'), dict(address='10.10.0.11', weight=3)])],
     'real_servers[1] (10.10.0.11): address: duplicate real server 10.10.0.11:80'),
    ('unnamed service', [dict(address='10.10.0.100', port=80, scheduler='x')],
     "service tcp 10.10.0.100:80: scheduler: 'x' is not one of"),
    # Types, choices and unknown fields: what AnsibleModule's suboptions used to check.
    ('unknown service field', [web(sheduler='rr')], "service 'web': sheduler: unknown field (known: address,"),
    ('unknown server field', [server(wieght=2)], "real_servers[0] (10.10.0.11): wieght: unknown field (known: address,"),
    ('port type', [web(port='http')], "service 'web': port: 'http' is not an integer"),
    ('bool port', [web(port=True)], "service 'web': port: True is not an integer"),
    ('fractional weight', [server(weight=1.5)], 'real_servers[0] (10.10.0.11): weight: 1.5 is not an integer'),
    ('one_packet type', [web(one_packet='maybe')], "service 'web': one_packet: 'maybe' is not a boolean"),
    ('address type', [web(address=['10.10.0.100'])], "service 'web': address: ['10.10.0.100'] is not a string"),
    ('flags type', [web(scheduler_flags={'flag-1': True})], "service 'web': scheduler_flags: {'flag-1': True} is not a list"),
    ('real_servers type', [web(real_servers='10.10.0.11')], "service 'web': real_servers: '10.10.0.11' is not a list"),
    ('real server type', [web(real_servers=['10.10.0.11'])], "service 'web': real_servers: every element must be a dictionary"),
    ('service state', [web(state='gone')], "service 'web': state: 'gone' is not one of present, absent"),
    ('server state', [server(state='down')], "real_servers[0] (10.10.0.11): state: 'down' is not one of present, absent"),
    ('server address required', [web(real_servers=[dict(weight=2)])], 'real_servers[0] (None): address: is required'),
    # What ipvsadm's parser refuses, which would stop ipvsadm -R at that line.
    ('upper threshold above INT_MAX', [server(upper_threshold=2147483648)],
     'real_servers[0] (10.10.0.11): upper_threshold: 2147483648 is out of range 0-2147483647'),
    ('lower threshold above INT_MAX', [server(upper_threshold=2147483647, lower_threshold=2147483648)],
     'real_servers[0] (10.10.0.11): lower_threshold: 2147483648 is out of range 0-2147483647'),
    ('one-packet on tcp', [web(one_packet=True)], "service 'web': one_packet: only applies to udp and fwmark services, not tcp"),
    ('one-packet on sctp', [web(protocol='sctp', one_packet=True)],
     "service 'web': one_packet: only applies to udp and fwmark services, not sctp"),
    # ipvsadm -S prints a fwmark with %d: one above INT_MAX comes back negative and unreadable.
    ('fwmark above INT_MAX', [dict(name='mark', fwmark=2147483648)], "service 'mark': fwmark: 2147483648 is out of range 1-2147483647"),
    # What the kernel refuses as a real server (not unicast).
    ('unspecified server', [server(address='0.0.0.0')],
     'real_servers[0] (0.0.0.0): address: 0.0.0.0 is the unspecified address; the kernel takes only unicast'),
    ('multicast server', [server(address='239.255.255.255')], 'address: 239.255.255.255 is a multicast address'),
    ('broadcast server', [server(address='255.255.255.255')], 'address: 255.255.255.255 is the broadcast address'),
    ('unspecified ipv6 server', [web(address='fd00::1', real_servers=[dict(address='::')])], 'address: :: is the unspecified'),
    ('multicast ipv6 server', [web(address='fd00::1', real_servers=[dict(address='ff02::1')])],
     'real_servers[0] (ff02::1): address: ff02::1 is a multicast address'),
    ('link-local server', [web(address='fd00::1', real_servers=[dict(address='febf:ffff::1')])],
     'address: febf:ffff::1 is a link-local address'),
    ('ipv4-mapped server', [web(address='fd00::1', real_servers=[dict(address='::ffff:10.0.0.5')])],
     'address: ::ffff:10.0.0.5 is an IPv4-mapped IPv6 address'),
]


@pytest.mark.parametrize('services, message', [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_names_service_and_field(services, message):
    with pytest.raises(ipvs_model.ValidationError) as caught:
        ipvs_input.desired_state(services)
    assert any(message in error for error in caught.value.errors), caught.value.errors


def test_a_type_error_is_not_repeated_by_the_checks_that_follow():
    with pytest.raises(ipvs_model.ValidationError) as caught:
        ipvs_input.desired_state([web(port='http'), web(name='web2', real_servers=[dict(weight=2)])])
    assert caught.value.errors == ["service 'web': port: 'http' is not an integer",
                                   "service 'web2': real_servers[0] (None): address: is required"]


def test_values_are_converted_like_ansible_options():
    desired = ipvs_input.desired_state([web(port='80', protocol='udp', one_packet='on', scheduler='sh', scheduler_flags='sh-port',
                                            persistence_timeout=60.0, persistence_netmask=24,
                                            real_servers=[dict(address='10.10.0.11', weight='3')])])
    service = desired.services[ipvs_model.service_key('udp', '10.10.0.100', 80)]
    assert (service.one_packet, service.scheduler_flags, service.persistence_timeout) == (True, ('sh-port',), 60)
    assert service.persistence_netmask == '255.255.255.0'
    assert [rs.weight for rs in service.real_servers.values()] == [3]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ipvs_model.ValidationError) as caught:
        ipvs_input.desired_state([web(scheduler='fastest', real_servers=[dict(address='10.10.0.11', weight=-1)]),
                                  dict(name='mark', fwmark=0)])
    assert len(caught.value.errors) == 3


@pytest.mark.parametrize('services', [
    [web(forwarding='nat', real_servers=[dict(address='10.10.0.11', port=8080)])],
    [dict(fwmark=10, forwarding='nat', real_servers=[dict(address='10.10.0.11', port=443)])],
    [web(port=0, persistence_timeout=300)],
    [web(forwarding='tun', real_servers=[dict(address='2001:db8::11')])],
    [web(real_servers=[dict(address='10.10.0.11', upper_threshold=10, lower_threshold=10)])],
    [web(scheduler='mh', scheduler_flags=['flag-1', 'mh-port'])],
    [web(address='2001:db8::100', family='ipv6', persistence_timeout=60, persistence_netmask='/64',
         real_servers=[dict(address='2001:db8::11')])],
    [web(state='absent', address='10.10.0.100', port=80, real_servers=None)],
    [dict(address='10.10.0.100', port=0, state='absent')],
    [web(protocol='udp', one_packet=True), dict(fwmark=2147483647, family='ipv6', one_packet=True)],
    [server(upper_threshold=2147483647, lower_threshold=2147483647)],
    # Taken by the lab kernel (6.1): 0.0.0.0/8 other than 0.0.0.0, class E, site-local, IPv4-compatible, loopback.
    [web(real_servers=[dict(address=address) for address in ('0.1.2.3', '240.0.0.1', '127.0.0.1')])],
    [web(address='fd00::1', real_servers=[dict(address=address) for address in ('fec0::1', '::10.0.0.5', '::1')])],
    # Any virtual address: the kernel does not check them.
    [web(address='224.0.0.1'), web(name='any', address='::', real_servers=[])],
])
def test_valid_input_passes(services):
    ipvs_input.desired_state(services)


def test_bad_service_forwarding_is_reported_once_not_per_server():
    with pytest.raises(ipvs_model.ValidationError) as caught:
        ipvs_input.desired_state([web(forwarding='proxy', real_servers=[dict(address='10.10.0.11'), dict(address='10.10.0.12')])])
    assert caught.value.errors == ["service 'web': forwarding: 'proxy' is not one of dr, nat, tun"]
