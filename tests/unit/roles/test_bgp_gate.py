# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The BGP gate's decisions (roles/director/files/lvs-bgp-gate), without the kernel:
its reading of /proc/net/ip_vs and when it holds or withdraws a VIP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.machinery
import importlib.util
import os

import pytest

GATE_PATH = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'roles', 'director', 'files', 'lvs-bgp-gate')
_loader = importlib.machinery.SourceFileLoader('lvs_bgp_gate', GATE_PATH)
_spec = importlib.util.spec_from_loader('lvs_bgp_gate', _loader)
gate = importlib.util.module_from_spec(_spec)
_loader.exec_module(gate)

# /proc/net/ip_vs as the lab kernel wrote it (fixtures/capture-proc-ip_vs.sh): IPv4 TCP,
# UDP and firewall-mark services, and an IPv6 one with a director (fd00:45::12) among its servers.
with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'proc-net-ip_vs.txt')) as _handle:
    TABLE = _handle.read()
WEB = {'name': 'web', 'protocol': 'tcp', 'address': '10.44.0.100', 'port': 80}
DNS = {'name': 'dns', 'protocol': 'udp', 'address': '10.44.0.100', 'port': 53}
SHOP = {'name': 'shop', 'fwmark': 10}


def test_parse_ipvs():
    assert gate.parse_ipvs(TABLE) == {
        ('UDP', '10.44.0.100', 53): [],
        ('TCP', '10.44.0.100', 80): [('10.44.0.16', 0), ('10.44.0.15', 2)],
        ('TCP', 'fd00:45::100', 443): [('fd00:45::12', 1), ('fd00:45::16', 0), ('fd00:45::15', 1)],
        ('FWM', 10): [('10.44.0.15', 0)],
    }


def test_parse_ipvs_empty_table():
    assert gate.parse_ipvs(TABLE.split('UDP', maxsplit=1)[0]) == {}


def vip(*services):
    return {'name': 'web', 'address': '10.44.0.100', 'services': list(services)}


@pytest.mark.parametrize('services, alive, disabled, reason', [
    ([WEB], True, False, None),
    ([WEB], True, True, 'disabled by the operator (disable file)'),
    ([WEB], False, False, "keepalived's checker is not running"),
    ([WEB, DNS], True, False, 'service dns has no real server with weight > 0'),
    ([WEB, SHOP], True, False, 'service shop has no real server with weight > 0'),
    ([dict(WEB, port=443, name='tls')], True, False, 'service tls is not in the IPVS table'),
    ([dict(WEB, address='10.44.0.101')], True, False, 'service web is not in the IPVS table'),
])
def test_why_not(services, alive, disabled, reason):
    assert gate.why_not(vip(*services), gate.parse_ipvs(TABLE), alive, disabled) == reason


# The VIP's address as the inventory may write it: the gate compares addresses, not text
# (read once, by canonical_config).
@pytest.mark.parametrize('address', ['fd00:45::100', 'FD00:45:0::100'])
def test_an_ipv6_service_is_found_and_the_other_directors_do_not_count(address):
    def read(vip):
        return gate.canonical_config({'vips': [vip]})['vips'][0]
    web6 = {'name': 'web6', 'address': address, 'services': [{'name': 'web6', 'protocol': 'tcp', 'address': address, 'port': 443}]}
    table = gate.parse_ipvs(TABLE)
    assert gate.why_not(read(web6), table, True, False) is None
    assert gate.why_not(read(dict(web6, second_chance=['fd00:45::12', 'FD00:45::15'])), table, True, False) == \
        'service web6 has no real server with weight > 0'


# keepalived's sorry server of a BGP VIP is another director (DR): it serves
# nothing here, so the gate withdraws as if it were not there.
def test_another_director_as_sorry_server_is_not_a_real_server():
    table = {('TCP', '10.44.0.100', 80): [('10.44.0.15', 0), ('10.44.0.16', 0), ('10.44.0.12', 1)]}
    assert gate.why_not(dict(vip(WEB), second_chance=['10.44.0.12', '10.44.0.13']), table, True, False) == \
        'service web has no real server with weight > 0'
    assert gate.why_not(vip(WEB), table, True, False) is None


def test_no_ip_vs_module_means_nothing_is_served(tmp_path):
    assert gate.read_table(str(tmp_path / 'absent')) == {}


def test_process_alive(tmp_path):
    alive = tmp_path / 'alive.pid'
    alive.write_text('%d\n' % os.getpid())
    junk = tmp_path / 'junk.pid'
    junk.write_text('not a pid\n')
    assert gate.process_alive([str(tmp_path / 'absent.pid'), str(junk), str(alive)])
    assert not gate.process_alive([str(tmp_path / 'absent.pid'), str(junk)])


class Ran:
    """subprocess.run's result for change_address: ip's exit code and complaint."""

    def __init__(self, returncode, stderr=''):
        self.returncode, self.stderr = returncode, stderr


def test_converge_adds_and_removes_only_what_differs(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(gate.subprocess, 'run', lambda argv, **_: commands.append(argv) or Ran(0))
    config = {'interface': 'lo', 'vips': [vip(WEB), {'name': 'api', 'address': '10.44.0.101', 'services': [DNS]}],
              'ipvs_table': str(tmp_path / 'ip_vs'), 'checker_pidfiles': [], 'disable_file': str(tmp_path / 'off')}
    (tmp_path / 'ip_vs').write_text(TABLE)
    (tmp_path / 'checkers.pid').write_text('%d\n' % os.getpid())
    config['checker_pidfiles'] = [str(tmp_path / 'checkers.pid')]
    held = {'10.44.0.101'}
    lines = gate.converge(config, held, set(), gate.reasons_now(config))
    assert commands == [['ip', 'addr', 'add', '10.44.0.100/32', 'dev', 'lo'], ['ip', 'addr', 'del', '10.44.0.101/32', 'dev', 'lo']]
    assert lines == ['announce 10.44.0.100 (web)', 'withdraw 10.44.0.101 (api): service dns has no real server with weight > 0']
    assert held == {'10.44.0.100'}
    # A second pass finds nothing to do: the gate remembers what it changed.
    assert gate.converge(config, held, set(), gate.reasons_now(config)) == [] and len(commands) == 2


def test_a_refused_change_is_reported_and_not_remembered(monkeypatch):
    monkeypatch.setattr(gate.subprocess, 'run', lambda argv, **_: Ran(2, 'RTNETLINK answers: File exists'))
    held = set()
    lines = gate.converge({'interface': 'lo', 'vips': [vip(WEB)]}, held, set(), {'10.44.0.100': None})
    assert lines == ['could not announce 10.44.0.100 (web): RTNETLINK answers: File exists']
    assert held == set()


def test_withdraw_all_names_the_stopped_gate(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(gate.subprocess, 'run', lambda argv, **_: commands.append(argv) or Ran(0))
    monkeypatch.setattr(gate, 'held_addresses', lambda interface: {'10.44.0.100'})
    config = tmp_path / 'gate.json'
    config.write_text(gate.json.dumps({'interface': 'lo', 'vips': [vip(WEB)], 'ipvs_table': str(tmp_path / 'absent'),
                                       'checker_pidfiles': [], 'disable_file': str(tmp_path / 'off')}))
    monkeypatch.setattr(gate, 'second_chance_routes', set)
    gate.once(str(config), withdraw_all=True)
    assert commands == [['ip', 'addr', 'del', '10.44.0.100/32', 'dev', 'lo']]


SECOND_CHANCE = ['10.44.0.12', '10.44.0.13']


def backed(*services):
    """vip(*services) with the other directors as its second chance."""
    return dict(vip(*services), second_chance=SECOND_CHANCE)


ROUTE_ADD = ['ip', 'route', 'replace', '10.44.0.100/32', 'proto', '185',
             'nexthop', 'via', '10.44.0.12', 'nexthop', 'via', '10.44.0.13']
ROUTE_DEL = ['ip', 'route', 'del', '10.44.0.100/32', 'proto', '185']
ADDRESS_ADD = ['ip', 'addr', 'add', '10.44.0.100/32', 'dev', 'lo']
ADDRESS_DEL = ['ip', 'addr', 'del', '10.44.0.100/32', 'dev', 'lo']


def recorded(monkeypatch, refuse=()):
    """The ip commands the gate runs; those starting with a prefix in refuse fail."""
    commands = []

    def run(argv, **_):
        commands.append(argv)
        return Ran(2, 'RTNETLINK answers: Nexthop has invalid gateway') if tuple(argv[:3]) in refuse else Ran(0)
    monkeypatch.setattr(gate.subprocess, 'run', run)
    return commands


@pytest.mark.parametrize('reason, held, routed, expected', [
    # Withdrawn: the route through the other directors first, then the address,
    # so that a packet for the VIP always finds one of them.
    ('no real server', {'10.44.0.100'}, set(), [ROUTE_ADD, ADDRESS_DEL]),
    # Announced again: the address first (the local table wins over the route), then the route goes.
    (None, set(), {'10.44.0.100'}, [ADDRESS_ADD, ROUTE_DEL]),
    # Nothing to do either way.
    ('no real server', set(), {'10.44.0.100'}, []),
    (None, {'10.44.0.100'}, set(), []),
])
def test_second_chance_follows_the_address(monkeypatch, reason, held, routed, expected):
    commands = recorded(monkeypatch)
    config = {'interface': 'lo', 'vips': [backed(WEB)]}
    gate.converge(config, held, routed, {'10.44.0.100': reason})
    assert commands == expected
    assert held == ({'10.44.0.100'} if reason is None else set())
    assert routed == (set() if reason is None else {'10.44.0.100'})


def test_a_refused_second_chance_route_still_withdraws(monkeypatch):
    commands = recorded(monkeypatch, refuse=[('ip', 'route', 'replace')])
    held, routed = {'10.44.0.100'}, set()
    lines = gate.converge({'interface': 'lo', 'vips': [backed(WEB)]},
                          held, routed, {'10.44.0.100': 'disabled'})
    assert commands == [ROUTE_ADD, ADDRESS_DEL]
    assert lines == ['could not send 10.44.0.100 on to 10.44.0.12, 10.44.0.13: RTNETLINK answers: Nexthop has invalid gateway',
                     'withdraw 10.44.0.100 (web): disabled']
    assert held == set() and routed == set()


def test_a_refused_address_keeps_the_second_chance_route(monkeypatch):
    commands = recorded(monkeypatch, refuse=[('ip', 'addr', 'add')])
    held, routed = set(), {'10.44.0.100'}
    gate.converge({'interface': 'lo', 'vips': [backed(WEB)]}, held, routed, {'10.44.0.100': None})
    assert commands == [ADDRESS_ADD]
    assert held == set() and routed == {'10.44.0.100'}


def test_without_other_directors_there_is_no_route(monkeypatch):
    commands = recorded(monkeypatch)
    gate.converge({'interface': 'lo', 'vips': [vip(WEB)]}, {'10.44.0.100'}, set(), {'10.44.0.100': 'disabled'})
    assert commands == [ADDRESS_DEL]


def test_the_route_of_a_vip_no_longer_announced_by_bgp_goes(monkeypatch):
    commands = recorded(monkeypatch)
    routed = {'10.44.0.100'}
    lines = gate.converge({'interface': 'lo', 'vips': []}, set(), routed, {})
    assert commands == [ROUTE_DEL]
    assert lines == ['stop sending 10.44.0.100 on (no longer a BGP VIP)'] and routed == set()


def captured(name):
    with open(os.path.join(os.path.dirname(__file__), 'fixtures', name)) as handle:
        return handle.read()


class Printed:
    """subprocess.run's result for a command whose output the gate reads."""

    def __init__(self, stdout):
        self.stdout = stdout


def test_held_addresses_are_the_host_addresses_of_both_versions(monkeypatch):
    # ip -j addr show dev lo with a VIP of each version held (fixtures/capture-proc-ip_vs.sh).
    # ::1 is one too; the gate only ever looks up its VIPs in it.
    monkeypatch.setattr(gate.subprocess, 'run', lambda argv, **_: Printed(captured('ip-addr-lo.json')))
    assert gate.held_addresses('lo') == {'10.44.0.100', 'fd00:45::100', '::1'}


def test_second_chance_routes_of_both_versions(monkeypatch):
    listings = {'-4': captured('ip-route-proto-185.json'), '-6': captured('ip6-route-proto-185.json')}
    monkeypatch.setattr(gate.subprocess, 'run', lambda argv, **_: Printed(listings[argv[2]]))
    assert gate.second_chance_routes() == {'10.44.0.101', 'fd00:45::101'}


def test_an_ipv6_vip_is_a_128_routed_through_the_ipv6_directors(monkeypatch):
    commands = recorded(monkeypatch)
    web6 = {'name': 'web6', 'address': 'fd00:45::100', 'services': [], 'second_chance': ['fd00:45::12', 'fd00:45::13']}
    held, routed = {'fd00:45::100'}, set()
    gate.converge({'interface': 'lo', 'vips': [web6]}, held, routed, {'fd00:45::100': 'disabled'})
    gate.converge({'interface': 'lo', 'vips': [web6]}, held, routed, {'fd00:45::100': None})
    assert commands == [
        ['ip', 'route', 'replace', 'fd00:45::100/128', 'proto', '185', 'nexthop', 'via', 'fd00:45::12', 'nexthop', 'via', 'fd00:45::13'],
        ['ip', 'addr', 'del', 'fd00:45::100/128', 'dev', 'lo'],
        ['ip', 'addr', 'add', 'fd00:45::100/128', 'dev', 'lo'],
        ['ip', 'route', 'del', 'fd00:45::100/128', 'proto', '185']]


def test_the_configurations_vip_addresses_are_read_as_ip_prints_them(tmp_path):
    config = tmp_path / 'gate.json'
    config.write_text(gate.json.dumps({'interface': 'lo', 'vips': [{'name': 'web6', 'address': 'FD00:45:0::100', 'services': []},
                                                                   {'name': 'web', 'address': '10.44.0.100', 'services': []}]}))
    assert [v['address'] for v in gate.load_config(str(config))['vips']] == ['fd00:45::100', '10.44.0.100']
