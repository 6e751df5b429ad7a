# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Hostile values in every role's variables: each is refused, naming the variable,
or written so that keepalived, nft and exportfs read no configuration beyond the
declared one.

Each case sets extra vars (or host vars, or facts) over inventories/lab, runs the
role's checks as a play would, renders its real templates with the collection's
filters, and hands the files to Debian 12's keepalived --config-test, nft and
exportfs (tests/hostile/tools.sh). Run: `make hostile`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import os

import pytest
import yaml

from cluster import REPO, Cluster, Refused
import real_tools

INVENTORY = os.path.join(REPO, 'inventories', 'lab')
with open(os.path.join(REPO, 'roles', 'nft_table', 'vars', 'main.yml')) as nft_table_vars:
    FIREWALL_TABLE = yaml.safe_load(nft_table_vars)['nft_table_firewall_name']
NEWLINE_SERVER = '\n}\nvirtual_server 10.66.6.6 80 {\n    real_server 10.66.6.7 80 {\n    }\n'
NFT_BREAKOUT = '" ; }\n}\nflush ruleset\ntable ip evil {\n chain c {\n  comment "'

VIPS = [{'name': 'web', 'address': '10.44.0.100', 'virtual_router_id': 51, 'master': 'lvs1', 'auth_pass': 'lab-vrrp'}]
SERVICES = [
    {'name': 'web', 'vip': 'web', 'port': 80, 'scheduler': 'wrr', 'forwarding': 'dr',
     'health_check': {'type': 'http_get', 'path': '/node/', 'status_code': 200},
     'real_servers': [{'host': 'rs1', 'weight': 2}, {'host': 'rs2', 'weight': 1}]},
    {'name': 'shop', 'vip': 'web', 'fwmark': 10, 'ports': [80, 443], 'persistence_timeout': 300,
     'persistence_granularity': '255.255.255.0', 'health_check': {'type': 'tcp', 'port': 80},
     'sorry_server': {'address': '127.0.0.1'}, 'real_servers': ['rs1', 'rs2']},
]
SCRIPT_SECURITY = {'director_script_security': True, 'director_script_user': 'root'}
EXPORTS = [{'path': '/srv/nfs/web', 'clients': ['10.44.0.0/24'], 'options': ['rw', 'sync', 'no_subtree_check']}]


def vips(**changes):
    return {'lvs_vips': [dict(VIPS[0], **changes)]}


def service(index=0, health_check=None, **changes):
    services = copy.deepcopy(SERVICES)
    services[index].update(changes)
    services[index]['health_check'].update(health_check or {})
    return {'lvs_virtual_services': services}


def exports(client=None, **changes):
    entry = dict(EXPORTS[0], **changes)
    if client is not None:
        entry['clients'] = [client]
    return {'nfs_server_exports': [entry]}


def case(name, role, extra=None, refused=None, host_vars=None, host_facts=None):
    return pytest.param(role, extra or {}, refused, host_vars or {}, host_facts or {}, id=name)


CASES = [
    # director: keepalived.conf
    case('declared values only', 'director'),
    case('service name closes the block', 'director', service(name='web' + NEWLINE_SERVER), 'lvs_virtual_services[0].name'),
    case('service name breaks out of the nft comment', 'director', service(1, name=NFT_BREAKOUT), 'lvs_virtual_services[1].name'),
    case('persistence_granularity adds a virtual_server', 'director',
         service(1, persistence_granularity='255.255.255.0' + NEWLINE_SERVER), 'persistence_granularity'),
    case('health_check.path adds a real_server', 'director',
         service(health_check={'path': '/node/\n}\nreal_server 10.66.6.6 80 {\n}'}), 'health_check.path'),
    case('health_check.path with ! ; and $ is quoted', 'director', service(health_check={'path': '/a!b;c$d?e=1&f'})),
    case('health_check.virtualhost adds a real_server', 'director',
         service(health_check={'virtualhost': 'www.example.com\n}\nreal_server 10.66.6.6 80 {\n}'}), 'health_check.virtualhost'),
    case('health_check.digest with a trailing newline', 'director',
         service(health_check={'digest': 'a' * 32 + '\n'}), 'health_check.digest'),
    case('health_check.payload with a brace', 'director',
         service(health_check={'type': 'udp', 'payload': 'ab}'}, protocol='udp'), 'health_check.payload'),
    case('misc_path with quotes, newline and braces is escaped', 'director',
         dict(service(health_check={'type': 'misc', 'misc_path': '/bin/true "a b" {address} {port} \\x' + NEWLINE_SERVER}),
              **SCRIPT_SECURITY)),
    case('notify with a shell line and a new vrrp_instance is escaped', 'director',
         dict(vips(notify={'master': '/bin/true; rm -rf / "x"\n}\nvrrp_instance VI_evil {\n'}), **SCRIPT_SECURITY)),
    case('vrrp_script script with a backslash and quotes is escaped', 'director',
         dict(vips(track_scripts=['chk']), director_vrrp_scripts=[{'name': 'chk', 'script': '/bin/true \'$(id)\' "`id`" \\' + NEWLINE_SERVER}],
              **SCRIPT_SECURITY)),
    case('vrrp_script name closes the block', 'director',
         dict(director_vrrp_scripts=[{'name': 'chk {\n}\nvirtual_server', 'script': '/bin/true'}], **SCRIPT_SECURITY),
         'director_vrrp_scripts[0].name'),
    case('router_id adds a virtual_server', 'director', {'director_router_id': 'lvs1' + NEWLINE_SERVER}, 'director_router_id'),
    case('smtp_server adds a virtual_server', 'director',
         {'director_notification_email': ['ops@example.com'], 'director_smtp_server': '127.0.0.1' + NEWLINE_SERVER}, 'director_smtp_server'),
    case('notification_email with a brace', 'director', {'director_notification_email': ['ops@example.com\n}']},
         'director_notification_email[0]'),
    case('notification_email_from with a blank', 'director', {'director_notification_email_from': 'a@b.c d'},
         'director_notification_email_from'),
    case('auth_pass with two blanks is quoted', 'director', vips(auth_pass='a  b')),
    case('auth_pass with comment characters is quoted', 'director', vips(auth_pass="q'#!x")),
    case('auth_pass with a double quote is refused, masked', 'director', vips(auth_pass='x"}y'), 'lvs_vips[0].auth_pass'),
    case('auth_pass with a trailing backslash is refused, masked', 'director', vips(auth_pass='pw\\'), 'lvs_vips[0].auth_pass'),
    case('auth_pass with a newline is refused, masked', 'director', vips(auth_pass='a\n}'), 'lvs_vips[0].auth_pass'),
    case('VIP address with a trailing newline', 'director', vips(address='10.44.0.100\n'), 'lvs_vips[0].address'),
    case('VIP label adds an address', 'director', vips(label='eth0:1\n10.66.6.6/32'), 'lvs_vips[0].label'),
    case('VIP name with a blank', 'director', dict(vips(name='web x'), **service(vip='web x')), 'lvs_vips[0].name'),
    case('track_interfaces with a brace', 'director', vips(track_interfaces=['eth0\n}']), 'lvs_vips[0].track_interfaces[0]'),
    case('director_vrrp_interface with a semicolon', 'director', {'director_vrrp_interface': 'eth0;reboot'}, 'director_vrrp_interface'),
    case('explicit real server address with a trailing newline', 'director',
         service(real_servers=[{'address': '10.44.0.21\n', 'weight': 1}]), 'real_servers[0].address'),
    case('lvs_realserver_address adds a real_server', 'director', None, 'lvs_realserver_address of rs1',
         host_vars={'rs1': {'lvs_realserver_address': '10.44.0.21 80 {\n}\nreal_server 10.66.6.6'}}),
    case('lvs_realserver_address climbs out of the drain dir', 'director', None, 'lvs_realserver_address of rs1',
         host_vars={'rs1': {'lvs_realserver_address': '../../cron.d/x'}}),
    case('gathered default IPv4 with a newline', 'director', None, 'address of real server rs1',
         host_facts={'rs1': {'default_ipv4': {'address': '10.44.0.21\n}', 'interface': 'eth0'}}}),
    case('sorry_server address with a port and newline', 'director',
         service(1, sorry_server={'address': '127.0.0.1 80\n'}), 'sorry_server.address'),
    case('director_drain_dir with ..', 'director', {'director_drain_dir': '/etc/lvs-cluster/../../tmp'}, 'director_drain_dir'),
    case('fwmark unit file with a blank and a second command', 'director',
         {'director_fwmark_rules_file': '/etc/lvs-cluster/fwmark.nft\nExecStartPost=/bin/sh -c reboot'}, 'director_fwmark_rules_file'),
    case('owned-services record climbs out of its directory', 'director',
         {'director_ipvs_owned_file': '/var/lib/lvs-cluster/../../../etc/cron.d/x'}, 'director_ipvs_owned_file'),
    case('director_sorry_root with a semicolon', 'director', {'director_sorry_root': '/var/www/x; }'}, 'director_sorry_root'),
    case('overlong service name', 'director', service(name='a' * 300), 'lvs_virtual_services[0].name'),
    case('non-ASCII service name', 'director', service(name='wéb'), 'lvs_virtual_services[0].name'),
    # realserver: nginx and apache sites
    case('scraper address closes the nft set', 'director', {'lvs_metrics_scrapers': ['10.44.0.10 }\nchain x {']}, 'metrics_scrapers'),
    case('docroot closes the server block', 'realserver', {'realserver_docroot': '/var/www/html;\n}\nserver {'}, 'realserver_docroot'),
    case('tls_cert with an include', 'realserver', {'realserver_web_ports': [443],
                                                    'realserver_tls_cert': '/etc/x.crt; include /etc/passwd'}, 'realserver_tls_cert'),
    case('node page dir with $(...)', 'realserver', {'realserver_node_page_dir': '/var/www/$(reboot)'}, 'realserver_node_page_dir'),
    case('web port with a semicolon', 'realserver', {'realserver_web_ports': ['80; x']}, 'realserver_web_ports'),
    case('paths of the closed form are written', 'realserver', {'realserver_docroot': '/var/www/site-1.example_com@v2'}),
    # nfs_server: exports
    case('option value adds a client', 'nfs_server', exports(options=['rw', 'anonuid=0,rw', 'no_subtree_check']), 'anonuid'),
    case('option value adds an export line', 'nfs_server',
         exports(options=['ro', 'sec=sys)\n/ *(rw,no_root_squash', 'no_subtree_check']), 'sec'),
    case('unknown option with a parenthesis', 'nfs_server', exports(options=['rw)', 'no_subtree_check']), 'unknown export option'),
    case('client adds a client', 'nfs_server', exports(client='10.44.0.0/24(ro) *'), 'nfs_server_exports[0].clients[0]'),
    case('path adds a client', 'nfs_server', exports(path='/srv/nfs/web *(rw)'), 'nfs_server_exports[0].path'),
    case('path climbs with ..', 'nfs_server', exports(path='/srv/nfs/../../etc'), 'nfs_server_exports[0].path'),
    case('non-ASCII option value', 'nfs_server', exports(options=['ro', 'fsid=ü', 'no_subtree_check']), 'fsid'),
    case('option values of the closed form are written', 'nfs_server',
         exports(options=['ro', 'anonuid=65534', 'sec=sys:krb5', 'no_subtree_check'])),
]


def director_files(cluster):
    """What the director role writes on lvs1, after its checks, as tasks/main.yml runs them."""
    v = cluster.role_vars('director', 'lvs1')
    cluster.check_arguments('director', v)
    cluster.run_fail_tasks('director', 'validate.yml', v)
    v['director_services'] = cluster.director_services(v)
    v['director_interfaces'] = cluster.director_interfaces(v)
    cluster.run_fail_tasks('director', 'resolve_hosts.yml', v)
    fwmark = cluster.fwmark_tables(v)
    v['director_fwmark_families'] = [entry for entry, _table in fwmark.values()]
    firewall = cluster.firewall_include('director', v)
    return v, {
        'keepalived.conf': cluster.render(v, 'keepalived.conf.j2'),
        'sorry-site.conf': cluster.render(v, 'sorry-site.conf.j2'),
        'fwmark.nft': fwmark['ip'][1],
        'fwmark6.nft': fwmark['ip6'][1],
        'firewall.nft': firewall_table(cluster, firewall),
    }


def firewall_table(cluster, firewall, host='lvs1'):
    """The input filter table of a host, after nft_table's firewall checks; firewall: what
    the role passes to nft_table's firewall entry point."""
    v = cluster.role_vars('nft_table', host)
    v.update(firewall, nft_table_firewall=True)
    cluster.run_fail_tasks('nft_table', 'firewall.yml', v)
    return cluster.nft_table('inet', v['nft_table_firewall_name'], cluster.render(v, 'filter.nft.j2'), host)


def realserver_files(cluster):
    """The web sites the realserver role writes on rs1, after its checks."""
    v = cluster.role_vars('realserver', 'rs1')
    cluster.check_arguments('realserver', v)
    v['realserver_served'] = cluster.served(v)
    cluster.run_fail_tasks('realserver', 'validate.yml', v)
    v['realserver_listen_ports'] = v['realserver_web_ports'] or v['realserver_served']['ports']
    return v, {'nginx': cluster.render(v, 'nginx-site.conf.j2'), 'apache': cluster.render(v, 'apache-site.conf.j2')}


def nfs_files(cluster):
    """The exports the nfs_server role writes on nfs1, after its checks."""
    v = cluster.role_vars('nfs_server', 'nfs1')
    cluster.check_arguments('nfs_server', v)
    cluster.run_fail_tasks('nfs_server', 'validate.yml', v)
    return v, {'exports': cluster.render(v, 'exports.j2')}


FILES = {'director': director_files, 'realserver': realserver_files, 'nfs_server': nfs_files}


def declared_keepalived_blocks(v):
    services = [s for s in v['director_services'] if s['rules_owner'] == 'keepalived' and s['state'] == 'present']
    return {
        'vrrp_instance': sorted('VI_' + vip['name'] for vip in v['lvs_vips']),
        'vrrp_script': sorted(sc['name'] for sc in v['director_vrrp_scripts']),
        'virtual_server': len(services),
        'real_server': sorted(r['address'] for s in services for r in s['real_servers']),
    }


def read_keepalived_blocks(text):
    blocks = real_tools.keepalived_blocks(text)
    named = {key: sorted(arg for _depth, word, arg in blocks if word == key) for key in ('vrrp_instance', 'vrrp_script', 'real_server')}
    named['virtual_server'] = len([b for b in blocks if b[1] == 'virtual_server'])
    return named


def assert_keepalived_reads_declared(v, text):
    code, said = real_tools.keepalived_config_test(text)
    assert code == 0, said
    assert read_keepalived_blocks(text) == declared_keepalived_blocks(v)


def assert_nft_reads_declared(text, family, name, rules):
    code, said, ruleset = real_tools.nft_ruleset(text)
    assert code == 0, said
    assert [(t['table']['family'], t['table']['name']) for t in ruleset if 'table' in t] == [(family, name)]
    assert len([r for r in ruleset if 'rule' in r]) == rules


def assert_director_files_safe(v, files):
    assert_keepalived_reads_declared(v, files['keepalived.conf'])
    fwmark_rules = len([s for s in v['director_services'] if s['fwmark'] is not None and s['ports'] and s['state'] == 'present'])
    hand_off = dict((entry['family'], len(entry['hand_off'])) for entry in v['director_fwmark_families'])
    assert_nft_reads_declared(files['fwmark.nft'], 'ip', v['director_fwmark_table'], fwmark_rules + hand_off['ip'])
    assert_nft_reads_declared(files['fwmark6.nft'], 'ip6', v['director_fwmark_table'], hand_off['ip6'])
    code, said, ruleset = real_tools.nft_ruleset(files['firewall.nft'])
    assert code == 0, said
    assert [(t['table']['family'], t['table']['name']) for t in ruleset if 'table' in t] == [('inet', FIREWALL_TABLE)]


def assert_exports_declared(v, files):
    declared = sorted((e['path'], c) for e in v['nfs_server_exports'] for c in e['clients'])
    read = real_tools.exportfs_entries(files['exports'], [e['path'] for e in v['nfs_server_exports']])
    assert sorted((path, host) for path, host, _options in read) == declared


def assert_web_sites_declared(v, files):
    """One nginx server block; one apache VirtualHost per port (no web server to ask here)."""
    assert files['nginx'].count('server {') == 1 and files['nginx'].count('{') == files['nginx'].count('}')
    assert files['apache'].count('<VirtualHost ') == len(v['realserver_listen_ports'])


@pytest.fixture(scope='module', autouse=True)
def tools_present():
    if not all(os.path.exists(real_tools.tool(name)) for name in ('keepalived', 'nft', 'exportfs')):
        pytest.fail('LVS_HOSTILE_ROOT does not hold keepalived, nft and exportfs: run through `make hostile` (tests/hostile/tools.sh)')


@pytest.mark.parametrize('role, extra, refused, host_vars, host_facts', CASES)
def test_hostile_value(role, extra, refused, host_vars, host_facts):
    cluster = Cluster(INVENTORY, dict({'lvs_vips': VIPS, 'lvs_virtual_services': SERVICES}, **extra),
                      host_vars=host_vars, host_facts=host_facts)
    if refused:
        with pytest.raises(Refused) as caught:
            FILES[role](cluster)
        said = str(caught.value.args[0])
        assert refused in said
        password = (extra.get('lvs_vips') or [{}])[0].get('auth_pass', '')
        if password and password != VIPS[0]['auth_pass']:
            assert password not in said
        return
    v, files = FILES[role](cluster)
    {'director': assert_director_files_safe, 'nfs_server': assert_exports_declared,
     'realserver': assert_web_sites_declared}[role](v, files)


def test_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert {c.values[0] for c in CASES} == set(FILES)


@pytest.mark.parametrize('facts, refused', [({}, False), ({'default_ipv6': {}}, True)])
def test_a_real_server_of_an_ipv6_vip_needs_an_ipv6_address(facts, refused):
    """web1 serves topologies' web6 over IPv6: without an IPv6 address the role stops, naming what to set."""
    cluster = Cluster(os.path.join(REPO, 'inventories', 'topologies'), host_facts={'web1': facts})
    v = cluster.role_vars('realserver', 'web1')
    v['realserver_served'] = cluster.served(v)
    assert v['realserver_served']['ipv6']
    if not refused:
        cluster.run_fail_tasks('realserver', 'validate.yml', v)
        return
    with pytest.raises(Refused) as stopped:
        cluster.run_fail_tasks('realserver', 'validate.yml', v)
    assert 'web1 serves IPv6 VIPs but has no IPv6 address the directors could reach: set lvs_realserver_address6' in str(stopped.value.args[0])


def scraper_rules(extra, set_name='metrics_scrapers'):
    """The director's input filter over inventories/lab (lvs_metrics with client1, 10.44.0.10,
    as the only scraper), read back by nft: the scrapers set (set_name: its IPv4 one, or
    metrics_scrapers_v6) and the rules using it."""
    cluster = Cluster(INVENTORY, dict({'lvs_vips': VIPS, 'lvs_virtual_services': SERVICES}, **extra))
    _v, files = director_files(cluster)
    code, said, ruleset = real_tools.nft_ruleset(files['firewall.nft'])
    assert code == 0, said
    sets = {item['set']['name']: item['set'].get('elem') for item in ruleset if 'set' in item}
    rules = [json.dumps(item['rule']['expr']) for item in ruleset if 'rule' in item]
    return sets.get(set_name), [rule for rule in rules if '"@%s"' % set_name in rule]


def test_the_firewall_admits_node_exporter_from_the_scrapers_only():
    scrapers, rules = scraper_rules({})
    assert scrapers == ['10.44.0.10']
    assert len(rules) == 1 and '9100' in rules[0] and '9342' not in rules[0]


def test_an_ipv6_scraper_is_admitted_by_the_ipv6_set():
    scrapers, rules = scraper_rules({'lvs_metrics_scrapers': ['10.44.0.10', 'fd00:44::10']}, 'metrics_scrapers_v6')
    assert scrapers == ['fd00:44::10']
    assert len(rules) == 1 and '9100' in rules[0] and '"ip6"' in rules[0]
    assert scraper_rules({'lvs_metrics_scrapers': ['10.44.0.10', 'fd00:44::10']})[0] == ['10.44.0.10']


def test_a_bgp_director_admits_the_frr_exporter_too():
    bgp = {'lvs_vips': VIPS + [{'name': 'edge', 'address': '10.44.0.150', 'announce': 'bgp'}],
           'director_bgp': {'asn': 65001, 'peers': [{'address': '10.44.0.1', 'asn': 65000}]}}
    scrapers, rules = scraper_rules(bgp)
    assert scrapers == ['10.44.0.10']
    assert len(rules) == 1 and '9100' in rules[0] and '9342' in rules[0]


def test_no_scraper_rule_without_metrics():
    assert scraper_rules({'lvs_metrics': False}) == (None, [])
