# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cluster_model: realserver_share, what a real server takes from the shared tree
(every inventory's real servers are checked against the retired Jinja template's
output in tests/hostile/test_model_examples.py), and nfs_server_errors, the NFS
server's checks (its hostile values, read back by exportfs, in tests/hostile), and
director_services, a director's services (every inventory's files rendered from
them are compared byte for byte by tests/bgp/render_all.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.lvs.cluster.plugins.filter.realserver_share import FilterModule
from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import (
    ModelError, bgp_hand_off, director_errors, director_firewall, director_interfaces, director_services,
    director_unresolved_hosts,
    firewall_errors, host_set_addresses, nfs_server_errors, realserver_firewall, realserver_share)

from ansible.errors import AnsibleFilterError

VIPS = [
    {'name': 'web', 'address': '10.0.0.100'},
    {'name': 'tunnel', 'address': '10.0.0.101'},
    {'name': 'natted', 'address': '10.0.0.102', 'gateway': {'address': '192.168.1.254'}},
]


def service(name, vip='web', **fields):
    return dict({'name': name, 'vip': vip, 'port': 80, 'real_servers': ['rs1', 'rs2']}, **fields)


def share(services, host='rs1', address='192.168.1.11'):
    return realserver_share(services, VIPS, host, address)


@pytest.mark.parametrize('entry', ['rs1', {'host': 'rs1'}, {'address': '192.168.1.11'}, {'host': 'rs1', 'port': 80}])
def test_a_host_is_named_by_hostname_host_or_address(entry):
    assert share([service('web', real_servers=[entry, 'rs2'])])['services'] == ['web']


@pytest.mark.parametrize('entry', ['rs2', {'host': 'rs2'}, {'address': '192.168.1.12'}])
def test_other_hosts_are_not_this_one(entry):
    assert share([service('web', real_servers=[entry])])['services'] == []


def test_absent_services_are_not_served():
    assert share([service('old', state='absent'), service('web')])['services'] == ['web']


def test_a_service_naming_the_host_twice_is_served_once():
    served = share([service('web', real_servers=['rs1', {'address': '192.168.1.11', 'port': 8080}])])
    assert served['services'] == ['web']
    assert served['ports'] == [80]


def test_vips_by_forwarding_method_each_once():
    served = share([service('a'), service('b', port=443), service('t', vip='tunnel', forwarding='tun'),
                    service('n', vip='natted', forwarding='nat')])
    assert (served['dr_vips'], served['tun_vips'], served['nat_vips'], served['nat_gateways']) == (
        ['10.0.0.100'], ['10.0.0.101'], ['10.0.0.102'], ['192.168.1.254'])


def test_a_nat_vip_without_gateway_gives_none():
    vips = [{'name': 'natted', 'address': '10.0.0.102', 'gateway': None}]
    served = realserver_share([service('n', vip='natted', forwarding='nat')], vips, 'rs1', '')
    assert served['nat_gateways'] == []


def test_ports_the_real_servers_then_the_services_then_a_fwmark_services():
    served = share([service('own', real_servers=[{'host': 'rs1', 'port': 8080}]),
                    service('svc', port=443),
                    service('mark', port=None, fwmark=7, ports=[8443, 9000])])
    assert served['ports'] == [443, 8080, 8443, 9000]
    assert [rule['ports'] for rule in served['accept']] == [[8080], [443], [8443, 9000]]


def test_udp_ports_are_admitted_but_not_listened_on():
    served = share([service('dns', port=53, protocol='udp')])
    assert served['ports'] == [80]
    assert served['accept'] == [{'protocol': 'udp', 'ports': [53], 'comment': 'lvs_virtual_services dns'}]


@pytest.mark.parametrize('check_type, protocol', [('tcp', 'tcp'), ('http_get', 'tcp'), ('ssl_get', 'tcp'), ('udp', 'udp'),
                                                  ('misc', None), ('none', None)])
def test_a_health_check_on_its_own_port_is_admitted_by_its_transport(check_type, protocol):
    served = share([service('web', health_check={'type': check_type, 'port': 9100})])
    expected = [{'protocol': protocol, 'ports': [9100], 'comment': 'lvs_virtual_services web health_check.port'}] if protocol else []
    assert served['accept'][1:] == expected


def test_a_host_serving_nothing_listens_on_80():
    assert share([]) == {'services': [], 'dr_vips': [], 'tun_vips': [], 'nat_vips': [], 'nat_gateways': [],
                         'ports': [80], 'accept': [], 'ipv6': False}


def test_an_unknown_vip_names_the_service_and_the_variable():
    with pytest.raises(ModelError, match="lvs_virtual_services web: vip 'nope' is not the name of an entry of lvs_vips"):
        share([service('web', vip='nope')])


def test_the_filter_raises_a_filter_error():
    with pytest.raises(AnsibleFilterError, match='lvs_vips'):
        FilterModule().filters()['realserver_share']([service('web', vip='nope')], VIPS, 'rs1', '')


KNOWN = ['rw', 'ro', 'sync', 'no_subtree_check', 'anonuid', 'sec']
PORTS = {'nfs_server_mountd_port': 20048, 'nfs_server_lockd_port': 4045}


def nfs(exports, default_options=('rw', 'sync'), ports=None):
    return nfs_server_errors(exports, list(default_options), KNOWN, ports or PORTS)


def test_good_exports_have_no_fault():
    assert nfs([{'path': '/srv/www', 'clients': ['192.168.80.0/24', {'host': '*.example.com', 'options': ['ro']}],
                 'options': ['rw', 'anonuid=65534'], 'mode': '0755'}]) == []


def test_a_path_exported_twice_and_a_client_list_empty():
    assert nfs([{'path': '/srv/www', 'clients': ['*']}, {'path': '/srv/www', 'clients': []}]) == [
        'nfs_server_exports[0]: path is exported twice',
        'nfs_server_exports[1]: path is exported twice',
        'nfs_server_exports[1]: clients is empty']


@pytest.mark.parametrize('mode, fault', [('0755', False), ('755', False), (755, False), ('0799', True), ('0755\n', True), ('rwx', True)])
def test_a_mode_is_octal(mode, fault):
    errors = nfs([{'path': '/srv/www', 'clients': ['*'], 'mode': mode}])
    assert errors == (['nfs_server_exports[0]: mode %s is not an octal mode such as "0755"' % mode] if fault else [])


def test_paths_and_clients_of_their_closed_forms():
    errors = nfs([{'path': '/srv/../etc', 'clients': ['a b', 'x(rw)']}])
    assert [error.split(':')[0] for error in errors] == [
        'nfs_server_exports[0].path', 'nfs_server_exports[0].clients[0]', 'nfs_server_exports[0].clients[1]']


def test_clients_that_are_neither_a_host_nor_a_dict_of_host_and_options():
    assert nfs([{'path': '/srv/www', 'clients': [5, {'host': '*', 'opts': ['rw']}]}]) == [
        'nfs_server_exports[0]: clients[0] must be a host/network or a dict {host, options}',
        'nfs_server_exports[0]: clients[1] has unknown keys (host, options)']


def test_options_are_known_names_with_values_of_their_form_named_where_they_come_from():
    errors = nfs([{'path': '/srv/a', 'clients': [{'host': '*', 'options': ['bogus', 'anonuid=1,2']}]},
                  {'path': '/srv/b', 'clients': ['*'], 'options': [7]},
                  {'path': '/srv/c', 'clients': ['*']}], default_options=['rw', 'sec=sys)'])
    assert errors == [
        'nfs_server_exports[0].clients[0] options: unknown export option "bogus"',
        "nfs_server_exports[0].clients[0] options anonuid: '1,2' is not an export option value of letters, digits and _ . : / @ + -",
        'nfs_server_exports[1].options: unknown export option "7"',
        "nfs_server_default_options sec: 'sys)' is not an export option value of letters, digits and _ . : / @ + -"]


def test_rw_and_ro_together():
    assert nfs([{'path': '/srv/www', 'clients': ['*'], 'options': ['rw', 'ro']}]) == [
        'nfs_server_exports[0]: both rw and ro for *']


def test_fixed_ports_in_range():
    assert nfs([], ports={'nfs_server_mountd_port': 0, 'nfs_server_statd_port': 70000, 'nfs_server_lockd_port': 4045}) == [
        'nfs_server_mountd_port: 0 is not a port 1-65535', 'nfs_server_statd_port: 70000 is not a port 1-65535']


HEALTH_CHECK_DEFAULTS = {'connect_timeout': 3, 'delay_loop': 6}
HOSTVARS = {'rs1': {'lvs_realserver_address': '192.168.1.11', 'lvs_realserver_weight': 3},
            'rs2': {'ansible_facts': {'default_ipv4': {'address': '192.168.1.12'}}},
            'rs3': {}}
BGP_VIPS = VIPS + [{'name': 'anycast', 'address': '10.0.0.200', 'announce': 'bgp'}]


def director(services, drained=(), rules_owner='keepalived'):
    return director_services(services, BGP_VIPS, HOSTVARS, HEALTH_CHECK_DEFAULTS, list(drained), rules_owner)


def test_real_servers_by_host_take_the_hosts_address_and_weight():
    resolved = director([service('web', real_servers=['rs1', {'host': 'rs2', 'weight': 2, 'port': 8080}, 'rs3'])])[0]
    assert resolved['real_servers'] == [
        {'host': 'rs1', 'address': '192.168.1.11', 'port': 80, 'weight': 3, 'forwarding': 'dr'},
        {'host': 'rs2', 'address': '192.168.1.12', 'port': 8080, 'weight': 2, 'forwarding': 'dr'},
        {'host': 'rs3', 'address': None, 'port': 80, 'weight': 1, 'forwarding': 'dr'}]


def test_real_servers_by_address_and_a_drained_one_at_weight_0_for_ipvs_only():
    resolved = director([service('web', real_servers=[{'address': '10.1.1.1', 'weight': 5}, {'address': '10.1.1.2'}])],
                        drained=['10.1.1.1'])[0]
    assert [(r['host'], r['weight']) for r in resolved['real_servers']] == [('10.1.1.1', 5), ('10.1.1.2', 1)]
    assert [r['weight'] for r in resolved['ipvs']['real_servers']] == [0, 1]


def test_the_health_check_merges_the_service_over_the_defaults_over_tcp():
    resolved = director([service('web', health_check={'type': 'http_get', 'delay_loop': 2})])[0]
    assert resolved['health_check'] == {'type': 'http_get', 'path': '/', 'status_code': 200, 'connect_timeout': 3, 'delay_loop': 2}


def test_the_ipvs_shape_of_a_port_service_and_of_a_fwmark_service():
    port, mark = director([service('web', persistence_timeout='300', persistence_granularity='255.255.255.0'),
                           service('mark', port=None, fwmark='7', forwarding='nat', rules_owner='ipvsadm')])
    assert port['ipvs'] == {'name': 'web', 'scheduler': 'wlc', 'forwarding': 'dr', 'state': 'present',
                            'real_servers': port['ipvs']['real_servers'], 'address': '10.0.0.100', 'port': 80,
                            'protocol': 'tcp', 'persistence_timeout': 300, 'persistence_netmask': '255.255.255.0'}
    assert (mark['ipvs']['fwmark'], 'address' in mark['ipvs'], mark['rules_owner'], port['rules_owner']) == (7, False, 'ipvsadm', 'keepalived')


def test_a_bgp_vip_defaults_to_mh_with_both_flags_and_says_so():
    resolved = director([service('any', vip='anycast')])[0]
    assert (resolved['scheduler'], resolved['ipvs']['scheduler_flags'], resolved['announce']) == ('mh', ['mh-port', 'mh-fallback'], 'bgp')
    assert (resolved['mh_port'], resolved['mh_fallback']) == (True, True)


def test_mh_on_a_vrrp_vip_has_its_flags_off_unless_asked_and_other_schedulers_no_mh_keys():
    mh, asked, wlc = director([service('a', scheduler='mh'), service('b', scheduler='mh', mh_port=True), service('c')])
    assert ('scheduler_flags' in mh['ipvs'], mh['mh_port'], mh['mh_fallback']) == (False, False, False)
    assert asked['ipvs']['scheduler_flags'] == ['mh-port']
    assert 'mh_port' not in wlc and 'announce' not in wlc


def test_the_director_refuses_an_unknown_vip():
    with pytest.raises(ModelError, match="lvs_virtual_services web: vip 'nope'"):
        director([service('web', vip='nope')])


def facts(*nets):
    """Network facts with interfaces (name, address, prefix)."""
    found = {'interfaces': ['lo'] + [name for name, _a, _p in nets], 'lo': {'ipv4': {'address': '127.0.0.1', 'prefix': '8'}},
             'all_ipv4_addresses': [address for _n, address, _p in nets]}
    for name, address, prefix in nets:
        found[name.replace('.', '_')] = {'ipv4': {'address': address, 'prefix': str(prefix)}}
    return found


PEERS = {'lvs1': {'ansible_facts': facts(('eth0', '10.0.0.11', 24), ('eth1', '192.168.1.1', 24))},
         'lvs2': {'ansible_facts': dict(facts(('eth0', '10.0.0.100', 24), ('eth0.2', '10.0.0.12', 24)),
                                        default_ipv4={'address': '10.0.0.100'})},
         'lvs3': {'lvs_director_address': ' 172.16.0.13 ', 'ansible_facts': facts(('eth9', '172.16.0.13', 16))}}


def interfaces(vips, unicast=False, bgp=None):
    return director_interfaces(vips, PEERS['lvs1']['ansible_facts'], PEERS, 'lvs1', ['lvs1', 'lvs2', 'lvs3'], 'eth7', unicast, bgp)


def test_a_vip_takes_the_interface_of_its_subnet_else_the_fallback_unless_named():
    found = interfaces([{'name': 'a', 'address': '10.0.0.100'}, {'name': 'b', 'address': '192.168.1.50'},
                        {'name': 'c', 'address': '203.0.113.1'}, {'name': 'd', 'address': '10.0.0.101', 'interface': 'eth5'}])
    assert found['vips'] == {'a': 'eth0', 'b': 'eth1', 'c': 'eth7', 'd': 'eth5'}
    assert found['gateways'] == {} and found['unicast'] == {} and found['second_chance'] == []


def test_a_gateway_on_no_network_has_no_interface():
    found = interfaces([{'name': 'a', 'address': '10.0.0.100', 'gateway': {'address': '192.168.1.254'}},
                        {'name': 'b', 'address': '10.0.0.101', 'gateway': {'address': '198.51.100.1'}}])
    assert found['gateways'] == {'a': 'eth1', 'b': None}


def test_unicast_peers_by_their_address_on_the_vips_network_not_a_vip_they_hold():
    found = interfaces([{'name': 'a', 'address': '10.0.0.100'}, {'name': 'c', 'address': '203.0.113.1'}], unicast=True)
    # lvs2 holds the VIP 10.0.0.100 first on eth0; lvs3 is on no such network: its lvs_director_address, stripped.
    assert found['unicast'] == {'a': {'src': '10.0.0.11', 'peers': ['10.0.0.12', '172.16.0.13']},
                                'c': {'src': '', 'peers': ['10.0.0.100', '172.16.0.13']}}


def test_second_chance_peers_on_the_first_bgp_peers_network():
    bgp = {'peers': [{'address': '10.0.0.1'}, {'address': '192.168.1.1'}]}
    assert interfaces([{'name': 'a', 'address': '10.0.0.100'}], bgp=bgp)['second_chance'] == ['10.0.0.12', '172.16.0.13']
    assert interfaces([], bgp={'peers': []})['second_chance'] == ['10.0.0.100', '172.16.0.13']


def test_unresolved_hosts_are_those_without_address_variable_or_facts():
    hostvars = {'rs1': {}, 'rs2': {'lvs_realserver_address': '10.1.1.2'}, 'rs3': {'ansible_facts': {'default_ipv4': {'address': 'x'}}},
                'lvs1': {}, 'lvs2': {}, 'lvs3': {'lvs_director_address': '10.0.0.13'}}
    services = [{'real_servers': ['rs1', {'host': 'rs2'}, {'address': '10.1.1.9'}, 'rs3', 'elsewhere']},
                {'real_servers': [{'host': 'rs1'}]}]
    assert director_unresolved_hosts(services, hostvars, 'lvs1', ['lvs1', 'lvs2', 'lvs3'], False) == ['rs1']
    assert director_unresolved_hosts(services, hostvars, 'lvs1', ['lvs1', 'lvs2', 'lvs3'], True) == ['rs1', 'lvs2']


def test_a_directors_firewall_admits_service_ports_vrrp_sync_and_bgp_from_their_peers_only():
    services = director([service('web'), service('mark', port=None, fwmark=1, ports=[80, 443]),
                         service('own', port=None, fwmark=2), service('old', state='absent', port=8080)])
    policy = director_firewall(services, True, ['10.99.1.1'], ['lvs2'])
    assert [(rule['protocol'], rule.get('ports'), rule.get('from')) for rule in policy['accept']] == [
        ('tcp', [80], None), ('tcp', [80, 443], None), (112, None, 'directors'), ('udp', [8848], 'directors'),
        ('tcp', [179], 'bgp_peers'), ('udp', [3784], 'bgp_peers')]
    assert (policy['host_sets'], policy['address_sets']) == ({'directors': ['lvs2']}, {'bgp_peers': ['10.99.1.1']})
    plain = director_firewall(services, False, [], ['lvs2'])
    assert (len(plain['accept']), plain['address_sets']) == (3, {})


def test_a_real_servers_firewall_admits_what_it_serves_its_web_ports_and_ipip_from_directors_when_tunnelling():
    served = share([service('web'), service('t', vip='tunnel', forwarding='tun', port=8080)])
    policy = realserver_firewall(served, 'nginx', [80, 8080, 443], ['lvs1', 'lvs2'])
    assert [rule['comment'] for rule in policy['accept']] == [
        'lvs_virtual_services web', 'lvs_virtual_services t', 'realserver_web_ports, realserver_tls_ports',
        'IPIP from the directors (forwarding tun)']
    assert policy['host_sets'] == {'directors': ['lvs1', 'lvs2']}
    no_web = realserver_firewall(share([service('web')]), 'none', [80], ['lvs1'])
    assert no_web == {'accept': [{'protocol': 'tcp', 'ports': [80], 'comment': 'lvs_virtual_services web'}], 'host_sets': {}}


SETTINGS = {
    'host': 'lvs1', 'facts': PEERS['lvs1']['ansible_facts'], 'router_id': 'lvs1', 'notification_email': [],
    'notification_email_from': 'lvs@example.com', 'smtp_server': '127.0.0.1', 'smtp_connect_timeout': 30,
    'script_user': 'root', 'script_security': True, 'drain_dir': '/etc/lvs-cluster/drain',
    'ipvs_owned_file': '/etc/lvs-cluster/owned', 'ipvs_purge': False, 'fwmark_rules_file': '/etc/lvs-cluster/fwmark.nft',
    'fwmark_unit': 'lvs-fwmark', 'sorry_server_port': 8080, 'sorry_root': '/var/www/sorry',
    'health_check_defaults': HEALTH_CHECK_DEFAULTS, 'vrrp_interface': 'eth0', 'vrrp_peers': ['lvs1', 'lvs2'],
    'vrrp_priority_master': 150, 'vrrp_priority_backup': 100, 'vrrp_scripts': [], 'vrrp_auth_type': 'PASS',
    'vrrp_version': 2, 'vrrp_advert_int': 1, 'vrrp_unicast': False, 'sync_daemon': False, 'sync_daemon_vip': 'web',
    'bgp_vip_names': [], 'second_chance': None}
TREE_VIPS = [{'name': 'web', 'address': '10.0.0.100', 'virtual_router_id': 51}]
REAL = dict(HOSTVARS, lvs1={}, lvs2={})


def errors(vips=None, services=None, rules_owner='keepalived', **settings):
    tree = {'vips': TREE_VIPS if vips is None else vips, 'services': [service('web')] if services is None else services,
            'rules_owner': rules_owner}
    return director_errors(tree, dict(SETTINGS, **settings), REAL)


def test_a_sound_tree_has_no_fault():
    assert errors() == []


def test_forms_first_and_cross_field_checks_only_once_they_pass():
    found = errors(vips=[dict(TREE_VIPS[0], address='10.0.0.999', virtual_router_id=0)], router_id='a b')
    assert found == ["director_router_id: 'a b' is not a host name or IPv4 address",
                     "lvs_vips[0].address: '10.0.0.999' is not an IPv4 or IPv6 address"]


def test_the_vrrp_password_is_masked_and_vrrp_versions_are_kept_apart():
    found = errors(vips=[dict(TREE_VIPS[0], auth_pass='sec"ret', advert_int=0.5)])
    assert found == ['lvs_vips[0].auth_pass: the password contains a double quote, which keepalived.conf cannot hold']
    found = errors(vips=[dict(TREE_VIPS[0], auth_pass='123456789', advert_int=0.5)])
    assert found == ['lvs_vips[0] (web): auth_pass is longer than 8 characters (VRRP PASS truncates it)',
                     'lvs_vips[0] (web): advert_int 0.5 needs director_vrrp_version 3 (VRRPv2 counts whole seconds)']


def test_vrrp_ids_are_unique_per_interface_and_masters_are_directors():
    vips = TREE_VIPS + [{'name': 'api', 'address': '10.0.0.101', 'virtual_router_id': 51, 'master': 'lvs9'},
                        {'name': 'other', 'address': '192.168.1.50', 'virtual_router_id': 51}]
    assert errors(vips=vips) == [
        'lvs_vips[0] (web): virtual_router_id 51 is used twice on eth0',
        'lvs_vips[1] (api): virtual_router_id 51 is used twice on eth0',
        'lvs_vips[1] (api): master lvs9 is not in director_vrrp_peers lvs1,lvs2']


def test_a_bgp_vip_needs_no_vrrp_id_and_the_sync_daemon_follows_a_vrrp_vip():
    vips = TREE_VIPS + [{'name': 'any', 'address': '10.0.0.200', 'announce': 'bgp'}]
    assert errors(vips=vips) == []
    assert errors(vips=vips, sync_daemon=True, sync_daemon_vip='any', bgp_vip_names=['any']) == [
        'director_sync_daemon_vip: any is announced by BGP; the sync daemon follows a VRRP VIP']


def test_services_port_xor_fwmark_owner_and_real_servers():
    found = errors(services=[service('web', fwmark=3, sorry_server={'address': '10.0.0.9'},
                                     real_servers=['rs1', 'ghost', {'host': 'rs2', 'address': '10.1.1.1'}, {'address': '10.1.1.2', 'weight': True}, 7])],
                   rules_owner='ipvsadm')
    assert found == [
        'lvs_virtual_services[0] (web): give exactly one of port and fwmark',
        'lvs_virtual_services[0] (web): a firewall-mark service has no port to check; set health_check.port',
        'lvs_virtual_services[0] (web): sorry_server needs keepalived as rules owner',
        'lvs_virtual_services[0] (web).real_servers[1]: ghost is not an inventory host',
        'lvs_virtual_services[0] (web).real_servers[2]: give exactly one of host and address',
        'lvs_virtual_services[0] (web).real_servers[3]: weight must be an integer 0-65535',
        'lvs_virtual_services[0] (web).real_servers[4]: must be an inventory hostname or a dict {host|address, port, weight}']


def test_scripts_need_absolute_paths_and_script_security():
    found = errors(vrrp_scripts=[{'name': 'chk', 'script': 'relative'}], script_security=False, ipvs_purge=True)
    assert found == [
        'director_ipvs_purge: true would remove the services keepalived owns; use it only when every service has rules owner ipvsadm',
        'director_vrrp_scripts[0] (chk): script must start with an absolute path',
        'director_script_security is false but track/notify/misc scripts are configured: keepalived refuses them'
        ' ("SECURITY VIOLATION"); set director_script_security: true']


FIREWALL_CONTEXT = {'host': 'lvs1', 'table': 'lvs_cluster_filter', 'firewalld_active': False, 'groups': ['directors'],
                    'management_ports': [22], 'floating': ['10.0.0.100']}


def firewall(accept, host_sets=None, address_sets=None, **context):
    return firewall_errors(accept, host_sets or {}, address_sets or {}, PEERS, dict(FIREWALL_CONTEXT, **context))


def test_a_sound_firewall_has_no_fault():
    assert firewall([{'protocol': 'tcp', 'ports': [80], 'comment': 'web'}, {'protocol': 112, 'from': 'directors', 'comment': 'VRRP'}],
                    host_sets={'directors': ['lvs2']}) == []


def test_firewalld_and_a_host_in_two_groups_rule_the_firewall_out():
    found = firewall([], firewalld_active=True, groups=['directors', 'realservers'])
    assert [error.split(';')[0].split('.')[0] for error in found] == [
        'lvs_firewall: firewalld runs on lvs1', 'lvs_firewall: lvs1 is in groups directors and realservers']


def test_ports_sets_and_protocols_of_their_forms():
    found = firewall([{'protocol': 'tcp', 'ports': [0, True], 'comment': 'web'}, {'protocol': 'b a d', 'from': 'none', 'comment': 'x'}],
                     address_sets={'peers': ['10.0.0.x', 'fd00::1', 'fd00::1;']}, management_ports=[70000])
    assert found == [
        'lvs_firewall_management_ports: 70000 is not a port 1-65535',
        'web: port 0 is not 1-65535', 'web: port True is not 1-65535',
        'x: from none is not a host or address set',
        "protocol of nft_table_accept[1]: 'b a d' is not a name of letters, digits and _ . - (not starting with . or -)",
        "an address of the set peers: '10.0.0.x' is not an IPv4 or IPv6 address",
        "an address of the set peers: 'fd00::1;' is not an IPv4 or IPv6 address"]


def test_a_host_set_needs_inventory_hosts_with_an_address_that_is_not_a_vip():
    hostvars = dict(PEERS, vipholder={'ansible_facts': {'all_ipv4_addresses': ['10.0.0.100']}})
    found = firewall_errors([], {'peers': ['lvs2', 'ghost', 'vipholder']}, {}, hostvars, FIREWALL_CONTEXT)
    assert found == ['peers: ghost is not an inventory host',
                     'peers: no IPv4 address known for vipholder (its facts could not be gathered)']


# IPv6: a VIP of either version; its VRRP, real servers and checks stay within that version.
V6_FACTS = dict(facts(('eth0', '10.0.0.11', 24)), all_ipv6_addresses=['fd00::11', 'fe80::1'])
# As a VRRP master's facts list them: the VIP it holds first (seen in the lab).
V6_FACTS['eth0']['ipv6'] = [{'address': 'fd00::100', 'prefix': '128', 'scope': 'global'},
                            {'address': 'fd00::11', 'prefix': '64', 'scope': 'global'},
                            {'address': 'fe80::1', 'prefix': '64', 'scope': 'link'}]
V6_PEERS = {'lvs1': {'ansible_facts': V6_FACTS},
            'lvs2': {'ansible_facts': {'all_ipv4_addresses': ['10.0.0.12'], 'all_ipv6_addresses': ['fd00::100', 'fd00::12']}},
            'lvs3': {'ansible_facts': {'default_ipv6': {'address': '2001:db8::13'}}}}
V6_VIPS = [{'name': 'web6', 'address': 'fd00::100', 'virtual_router_id': 52}]


def test_an_ipv6_vip_takes_its_networks_interface_and_ipv6_unicast_peers_not_a_vip_they_hold():
    found = director_interfaces(V6_VIPS + [{'name': 'web', 'address': '10.0.0.100'}], V6_FACTS, V6_PEERS, 'lvs1',
                                ['lvs1', 'lvs2', 'lvs3'], 'eth7', True, None)
    assert found['vips'] == {'web6': 'eth0', 'web': 'eth0'}
    # lvs3 is on no IPv6 network of the VIP: its default IPv6, not its IPv4 fallback.
    assert found['unicast'] == {'web6': {'src': 'fd00::11', 'peers': ['fd00::12', '2001:db8::13']},
                                'web': {'src': '10.0.0.11', 'peers': ['10.0.0.12', '']}}


def test_ipv6_second_chance_peers_on_the_first_ipv6_bgp_peers_network_only_with_an_ipv6_bgp_vip():
    bgp = {'peers': [{'address': '10.0.0.1'}, {'address': 'fd00::1'}]}
    vips = [{'name': 'web', 'address': '10.0.0.100', 'announce': 'bgp'}]
    found = director_interfaces(vips, V6_FACTS, V6_PEERS, 'lvs1', ['lvs1', 'lvs2', 'lvs3'], 'eth7', False, bgp)
    assert found['second_chance'] == ['10.0.0.12', ''] and 'second_chance6' not in found
    vips.append({'name': 'web6', 'address': 'fd00::100', 'announce': 'bgp'})
    found = director_interfaces(vips, V6_FACTS, V6_PEERS, 'lvs1', ['lvs1', 'lvs2', 'lvs3'], 'eth7', False, bgp)
    # lvs2 holds the VIP too: its own address on the router's network; lvs3 is on none, its default IPv6.
    assert found['second_chance6'] == ['fd00::12', '2001:db8::13']


def test_each_bgp_service_is_handed_to_the_next_director_of_its_ip_version():
    interfaces = {'second_chance': ['10.0.0.12', '10.0.0.13'], 'second_chance6': ['fd00::12', 'fd00::13']}
    services = [{'name': 'web', 'vip': 'web', 'address': '10.0.0.100', 'sorry_server': None},
                {'name': 'web6', 'vip': 'web6', 'address': 'fd00::100', 'sorry_server': None},
                {'name': 'own', 'vip': 'web', 'address': '10.0.0.100', 'sorry_server': {'address': '10.0.0.9'}},
                {'name': 'vrrp', 'vip': 'admin', 'address': '10.0.0.200', 'sorry_server': None}]
    backed = bgp_hand_off(services, ['web', 'web6'], interfaces, ['lvs1', 'lvs2', 'lvs3'], 'lvs2')
    assert [(s['name'], s['peer']) for s in backed] == [('web', '10.0.0.13'), ('web6', 'fd00::13')]
    assert bgp_hand_off(services, ['web', 'web6'], {'second_chance': []}, ['lvs1'], 'lvs1') == []


def test_a_link_local_network_holds_no_vip():
    found = director_interfaces([{'name': 'v', 'address': 'fe80::99'}], V6_FACTS, V6_PEERS, 'lvs1', ['lvs1'], 'eth7', False, None)
    assert found['vips'] == {'v': 'eth7'}


def test_real_servers_of_an_ipv6_vip_take_the_hosts_ipv6_address():
    hostvars = {'rs1': {'lvs_realserver_address': '192.168.1.11', 'lvs_realserver_address6': 'fd00::21'},
                'rs2': {'ansible_facts': {'default_ipv4': {'address': '192.168.1.12'}, 'default_ipv6': {'address': 'fd00::22'}}}}
    resolved = director_services([service('web6', vip='web6')], V6_VIPS, hostvars, HEALTH_CHECK_DEFAULTS, [], 'keepalived')[0]
    assert [r['address'] for r in resolved['real_servers']] == ['fd00::21', 'fd00::22']
    assert resolved['ipvs']['address'] == 'fd00::100'


def test_a_real_server_of_an_ipv6_vip_by_address_serves_it_on_lo():
    served = realserver_share([service('web6', vip='web6', real_servers=[{'address': 'fd00::21'}])], V6_VIPS, 'rs1',
                              ['192.168.1.11', 'fd00::21'])
    assert (served['services'], served['dr_vips'], served['ipv6']) == (['web6'], ['fd00::100'], True)


def test_ipv6_vips_need_vrrpv3_unless_bgp_holds_them_and_take_no_gateway_and_their_own_prefix_range():
    vips = [dict(V6_VIPS[0], prefix=129), {'name': 'g', 'address': 'fd00::101', 'virtual_router_id': 53,
                                           'gateway': {'address': '10.46.0.254'}},
            {'name': 'b', 'address': 'fd00::102', 'announce': 'bgp'}]
    found = errors(vips=vips, services=[service('web6', vip='web6')], bgp_vip_names=['b'])
    assert found == ['lvs_vips[0] (web6): prefix must be 1-128',
                     'lvs_vips[0] (web6): an IPv6 VIP needs director_vrrp_version 3 (VRRPv2 is IPv4 only)',
                     'lvs_vips[1] (g): an IPv6 VIP takes no gateway (NAT is IPv4 only here)',
                     'lvs_vips[1] (g): an IPv6 VIP needs director_vrrp_version 3 (VRRPv2 is IPv4 only)']
    assert errors(vips=V6_VIPS, services=[service('web6', vip='web6')], vrrp_version=3) == []


def test_a_service_keeps_to_its_vips_ip_version_and_an_ipv6_one_to_dr_without_marks():
    vips = TREE_VIPS + V6_VIPS
    found = errors(vips=vips, vrrp_version=3, services=[
        service('web', real_servers=[{'address': 'fd00::21'}], sorry_server={'address': '::1'}),
        service('web6', vip='web6', forwarding='nat', real_servers=[{'address': '10.0.0.21'}, {'address': 'fd00::21'}],
                persistence_granularity='255.255.255.0'),
        {'name': 'mark6', 'vip': 'web6', 'fwmark': 3, 'health_check': {'port': 80}, 'real_servers': []}])
    assert found == ['lvs_virtual_services[0] (web).sorry_server.address: ::1 is not IPv4 like the VIP',
                     'lvs_virtual_services[0] (web).real_servers[0].address: fd00::21 is not IPv4 like the VIP',
                     'lvs_virtual_services[1] (web6).real_servers[0].address: 10.0.0.21 is not IPv6 like the VIP',
                     'lvs_virtual_services[1] (web6): forwarding must be dr on an IPv6 VIP (nat and tun are IPv4 only here)',
                     'lvs_virtual_services[1] (web6): persistence_granularity is an IPv4 netmask; leave it out on an IPv6 VIP',
                     'lvs_virtual_services[2] (mark6): fwmark services are IPv4 only; give an IPv6 VIP a port']


def test_a_real_servers_own_ipv6_address_is_of_its_form():
    hostvars = dict(REAL, rs1={'lvs_realserver_address6': 'fd00::zz'})
    found = director_errors({'vips': V6_VIPS, 'services': [service('web6', vip='web6')], 'rules_owner': 'keepalived'},
                            dict(SETTINGS, vrrp_version=3), hostvars)
    assert found == ["lvs_realserver_address6 of rs1 (lvs_virtual_services[0].real_servers[0]): 'fd00::zz' is not an IPv6 address"]


def test_a_host_sets_addresses_by_ip_version_without_the_vips_and_of_their_forms():
    hostvars = {'lvs2': {'ansible_facts': {'all_ipv4_addresses': ['10.0.0.12', '10.0.0.100'],
                                           'all_ipv6_addresses': ['fe80::2', 'fd00::12', 'fd00::100']}},
                'lvs3': {'ansible_facts': {'all_ipv4_addresses': ['10.0.0.13'], 'all_ipv6_addresses': ['fd00::13;']}}}
    assert host_set_addresses(['lvs2'], hostvars, ['10.0.0.100', 'fd00::100']) == {
        'ipv4': ['10.0.0.12'], 'ipv6': ['fd00::12', 'fe80::2']}
    found = firewall_errors([{'protocol': 112, 'from': 'directors', 'comment': 'VRRP'}], {'directors': ['lvs3']}, {}, hostvars,
                            FIREWALL_CONTEXT)
    assert "an IPv6 address of lvs3 (its gathered all_ipv6_addresses): 'fd00::13;' is not an IPv6 address" in found
