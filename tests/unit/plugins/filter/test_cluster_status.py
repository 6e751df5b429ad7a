# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cluster_status on realistic readings.

The declared side is the director role's own resolution (cluster_model's
director_services, which its tasks/read_services.yml calls through a filter); the IPVS side is the ipvsadm output captured from the lab
kernel (tests/unit/fixtures/*.txt) read by module_utils/ipvs_text.py and
merged by ipvs_info's own code; addresses, journal lines and sync daemons come
from tests/unit/fixtures/status/ (README.md there says where each shape comes
from).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json
import os

import pytest
import yaml

from ansible_collections.lvs.cluster.plugins.filter.cluster_status import (
    FilterModule, cluster_status, cluster_status_report, running_sync_daemons, vrrp_states)
from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_plan, ipvs_text
from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import director_services
from ansible_collections.lvs.cluster.plugins.modules import ipvs_info

TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(TESTS, 'fixtures')
STATUS = os.path.join(FIXTURES, 'status')
ROLE = os.path.join(os.path.dirname(os.path.dirname(TESTS)), 'roles', 'director')
DIRECTORS = ['lvs1', 'lvs2']

# The inventory around the captured table: three of its services are declared.
VIPS = [
    {'name': 'web', 'address': '10.20.0.1', 'virtual_router_id': 51, 'master': 'lvs1'},
    {'name': 'api', 'address': '10.20.0.2', 'virtual_router_id': 52, 'master': 'lvs1'},
    {'name': 'local', 'address': '10.20.0.100', 'virtual_router_id': 53, 'master': 'lvs1'},
]
SERVICES = [
    {'name': 'web', 'vip': 'web', 'port': 80, 'scheduler': 'rr',
     'real_servers': [{'host': 'rs1', 'weight': 1}, {'host': 'rs2', 'weight': 3}]},
    {'name': 'api', 'vip': 'api', 'port': 80, 'scheduler': 'wrr', 'forwarding': 'nat',
     'real_servers': [{'host': 'rs1', 'port': 8080, 'weight': 2}, {'host': 'rs2', 'port': 8080, 'weight': 2}]},
    {'name': 'local', 'vip': 'local', 'port': 80, 'scheduler': 'rr', 'rules_owner': 'ipvsadm', 'forwarding': 'nat',
     'real_servers': [{'address': '127.0.0.1', 'port': 8080}]},
]
HOSTVARS = {'rs1': {'lvs_realserver_address': '10.20.1.1'}, 'rs2': {'lvs_realserver_address': '10.20.1.2'}}


def fixture(*path):
    with open(os.path.join(*path)) as handle:
        return handle.read()


def declared(services=None, drained=()):
    """director_services as the director role resolves them (its cluster model, with its defaults)."""
    defaults = yaml.safe_load(fixture(ROLE, 'defaults', 'main.yml'))
    return director_services(services or SERVICES, VIPS, HOSTVARS, defaults['director_health_check_defaults'],
                             list(drained), 'keepalived')


def captured_table(keep=('10.20.0.1', '10.20.0.2', '10.20.0.100')):
    """What lvs.cluster.ipvs_info returns for the lab capture, limited to services on ``keep`` (all if None)."""
    thresholds = ipvs_text.parse_listing(fixture(FIXTURES, 'thresholds.txt'), 'thresholds')
    table = ipvs_text.apply_thresholds(ipvs_text.parse_save(fixture(FIXTURES, 'save.txt')), thresholds)
    if keep is not None:
        table = ipvs_plan.restrict(table, [key for key in table if key.address in keep and key.protocol == 'tcp'])
    persistent = ipvs_text.parse_listing(fixture(FIXTURES, 'persistent-conn.txt'), 'persistent')
    return {'ipvs_loaded': True, 'services': ipvs_info.describe(table, [(None, thresholds), (None, persistent)])}


def reading(host, **changes):
    base = {
        'declared': declared(),
        'ipvs': captured_table(),
        'addresses': json.loads(fixture(STATUS, host + '-ip-addr.json')),
        'keepalived': 'active',
        'vrrp_log': fixture(STATUS, 'journal-%s.txt' % host),
        'sync_daemon': True,
        'sync_daemons': fixture(STATUS, 'ipvsadm-daemon-%s.txt' % ('master' if host == 'lvs1' else 'backup')),
    }
    base.update(changes)
    return base


@pytest.fixture
def readings():
    """A cluster as the lab leaves it: lvs1 master of every VIP, both directors with the same table."""
    return {'lvs1': reading('lvs1'), 'lvs2': reading('lvs2')}


def kinds(status):
    return sorted(item['kind'] for item in status['anomalies'])


def real_server(status, service, address):
    row = next(item for item in status['services'] if item['name'] == service)
    return next(item for item in row['real_servers'] if item['address'] == address)


def kernel_server(result, service_address, address):
    service = next(item for item in result['services'] if item['address'] == service_address)
    return next(item for item in service['real_servers'] if item['address'] == address)


def test_healthy_lab_capture(readings):
    """The capture's api service has rs2 at weight 0 on both directors: a failed check, the only anomaly."""
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert kinds(status) == ['weight_zero_everywhere']
    assert status['anomalies'][0]['hosts'] == DIRECTORS
    assert status['anomalies'][0]['message'] == (
        'api (tcp 10.20.0.2:80): rs2 10.20.1.2:8080 has weight 0 on every director (lvs1 down, lvs2 down)')
    web = status['vips'][0]
    assert (web['holders'], web['states']) == (['lvs1'], {'lvs1': 'MASTER', 'lvs2': 'BACKUP'})
    assert status['vips'][1]['states'] == {'lvs1': 'MASTER', 'lvs2': 'BACKUP'}


def test_connections_and_weights_come_from_the_captured_table(readings):
    status = cluster_status(readings, DIRECTORS, VIPS)
    local = real_server(status, 'local', '127.0.0.1')
    # 5 requests were sent through 10.20.0.100 by the capture: 5 inactive connections.
    assert local['directors']['lvs1'] == {'weight': 1, 'health': 'up', 'active': 0, 'inactive': 5}
    assert real_server(status, 'web', '10.20.1.2')['directors']['lvs2']['weight'] == 3
    assert [row['service'] for row in status['services']] == ['tcp 10.20.0.1:80', 'tcp 10.20.0.2:80', 'tcp 10.20.0.100:80']
    assert status['services'][2]['owner'] == 'ipvsadm'


def test_vip_on_no_director(readings):
    readings['lvs1']['addresses'] = readings['lvs2']['addresses']
    status = cluster_status(readings, DIRECTORS, VIPS)
    unowned = [item for item in status['anomalies'] if item['kind'] == 'vip_unowned']
    assert len(unowned) == 3
    assert unowned[0]['message'] == 'VIP web 10.20.0.1 is held by no director (lvs1, lvs2)'


def test_vip_on_two_directors(readings):
    readings['lvs2']['addresses'] = readings['lvs1']['addresses']
    status = cluster_status(readings, DIRECTORS, VIPS)
    split = [item for item in status['anomalies'] if item['kind'] == 'vip_split']
    assert [item['hosts'] for item in split] == [DIRECTORS] * 3
    assert split[0]['message'] == 'VIP web 10.20.0.1 is held by 2 directors: lvs1, lvs2'


def test_directors_disagree_on_weights(readings):
    kernel_server(readings['lvs2']['ipvs'], '10.20.0.1', '10.20.1.2')['weight'] = 1
    status = cluster_status(readings, DIRECTORS, VIPS)
    disagree = [item for item in status['anomalies'] if item['kind'] == 'directors_disagree']
    assert [item['message'] for item in disagree] == [
        'web (tcp 10.20.0.1:80): the directors disagree on real servers or weights: '
        'lvs1 10.20.1.1:80=1 10.20.1.2:80=3; lvs2 10.20.1.1:80=1 10.20.1.2:80=1']


def test_directors_disagree_on_real_servers(readings):
    web = next(item for item in readings['lvs2']['ipvs']['services'] if item['address'] == '10.20.0.1')
    web['real_servers'] = web['real_servers'][:1]
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert 'directors_disagree' in kinds(status)
    assert real_server(status, 'web', '10.20.1.2')['directors']['lvs2'] == {
        'weight': None, 'active': None, 'inactive': None, 'health': 'absent'}


def test_drained_server_is_drained_not_down(readings):
    """playbooks/drain.yml's switch files make the role resolve the server at weight 0: 'drained'."""
    for host in DIRECTORS:
        readings[host]['declared'] = declared(drained=['10.20.1.1'])
        kernel_server(readings[host]['ipvs'], '10.20.0.1', '10.20.1.1')['weight'] = 0
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert real_server(status, 'web', '10.20.1.1')['directors']['lvs1']['health'] == 'drained'
    assert ('web (tcp 10.20.0.1:80): rs1 10.20.1.1:80 has weight 0 on every director (lvs1 drained, lvs2 drained)'
            in [item['message'] for item in status['anomalies']])


def test_weight_zero_on_one_director_only_is_a_disagreement(readings):
    kernel_server(readings['lvs1']['ipvs'], '10.20.0.1', '10.20.1.1')['weight'] = 0
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert kinds(status) == ['directors_disagree', 'weight_zero_everywhere']
    assert real_server(status, 'web', '10.20.1.1')['directors']['lvs1']['health'] == 'down'


def test_weight_zero_in_the_inventory_is_not_an_anomaly(readings):
    services = copy.deepcopy(SERVICES)
    services[1]['real_servers'][1]['weight'] = 0
    for host in DIRECTORS:
        readings[host]['declared'] = declared(services)
    assert kinds(cluster_status(readings, DIRECTORS, VIPS)) == []


def test_undeclared_kernel_services(readings):
    """The whole capture: every service but the three declared is an anomaly, naming the directors that have it."""
    readings['lvs1']['ipvs'] = captured_table(keep=None)
    status = cluster_status(readings, DIRECTORS, VIPS)
    undeclared = [item for item in status['anomalies'] if item['kind'] == 'service_undeclared']
    assert len(undeclared) == len(captured_table(keep=None)['services']) - 3
    assert all(item['hosts'] == ['lvs1'] for item in undeclared)
    assert ('udp 10.20.0.53:53 is in the IPVS table of lvs1 but not in lvs_virtual_services'
            in [item['message'] for item in undeclared])


def test_declared_service_missing_from_a_director(readings):
    readings['lvs2']['ipvs'] = {'ipvs_loaded': False, 'services': []}
    status = cluster_status(readings, DIRECTORS, VIPS)
    missing = [item for item in status['anomalies'] if item['kind'] == 'service_missing']
    assert [item['message'] for item in missing][0] == 'web (tcp 10.20.0.1:80) is not in the IPVS table of lvs2'
    # Absent is not a disagreement on weights: the service is reported missing instead.
    assert 'directors_disagree' not in kinds(status)


def test_sorry_server_and_stray_real_servers(readings):
    services = copy.deepcopy(SERVICES)
    services[0]['sorry_server'] = {'address': '127.0.0.1'}
    for host in DIRECTORS:
        readings[host]['declared'] = declared(services)
        web = next(item for item in readings[host]['ipvs']['services'] if item['address'] == '10.20.0.1')
        web['real_servers'].append(dict(web['real_servers'][0], address='127.0.0.1'))
    readings['lvs1']['ipvs']['services'][0]['real_servers'].append(
        dict(readings['lvs1']['ipvs']['services'][0]['real_servers'][0], address='10.20.1.99'))
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert real_server(status, 'web', '127.0.0.1')['directors']['lvs2']['health'] == 'sorry'
    stray = [item for item in status['anomalies'] if item['kind'] == 'real_server_undeclared']
    assert [item['message'] for item in stray] == [
        'web (tcp 10.20.0.1:80): real server 10.20.1.99:80 on lvs1 is not in the inventory']


def test_keepalived_down(readings):
    readings['lvs2']['keepalived'] = 'inactive'
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert 'keepalived is not running on lvs2 (systemd ActiveState: inactive)' in [
        item['message'] for item in status['anomalies']]
    assert status['vips'][0]['states']['lvs2'] == 'STOPPED'


def test_sync_daemon_down_only_where_configured(readings):
    readings['lvs2']['sync_daemons'] = ''
    assert 'sync_daemon_down' in kinds(cluster_status(readings, DIRECTORS, VIPS))
    readings['lvs2']['sync_daemon'] = False
    assert 'sync_daemon_down' not in kinds(cluster_status(readings, DIRECTORS, VIPS))


def test_director_without_reading(readings):
    del readings['lvs2']
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert status['anomalies'][0] == {'kind': 'no_reading', 'hosts': ['lvs2'],
                                      'message': 'lvs2: no reading (unreachable, or one of its tasks failed)'}


def test_vrrp_states_take_the_last_line_of_each_instance():
    assert vrrp_states(fixture(STATUS, 'journal-lvs2.txt')) == {'VI_web': 'BACKUP', 'VI_api': 'BACKUP', 'VI_local': 'BACKUP'}
    assert vrrp_states('(VI_api): entering FAULT state (interface eth1 down)\n') == {'VI_api': 'FAULT'}
    assert vrrp_states('') == {}


def test_unknown_vrrp_state_without_journal_lines(readings):
    readings['lvs2']['vrrp_log'] = ''
    assert cluster_status(readings, DIRECTORS, VIPS)['vips'][0]['states']['lvs2'] == 'UNKNOWN'


@pytest.mark.parametrize('text, roles', [
    (fixture(STATUS, 'ipvsadm-daemon-master.txt'), ['master']),
    ('master sync daemon (mcast=eth0, syncid=51)\nbackup sync daemon (mcast=eth0, syncid=51)\n', ['master', 'backup']),
    ('', []),
])
def test_running_sync_daemons(text, roles):
    assert running_sync_daemons(text) == roles


def test_report_renders_every_part(readings):
    kernel_server(readings['lvs2']['ipvs'], '10.20.0.1', '10.20.1.2')['weight'] = 1
    lines = cluster_status_report(cluster_status(readings, DIRECTORS, VIPS))
    print('\n'.join(lines))
    assert lines[:4] == [
        'VIPs (holders; VRRP or BGP state per director)',
        '  web 10.20.0.1 (master lvs1): held by lvs1; lvs1 MASTER, lvs2 BACKUP',
        '  api 10.20.0.2 (master lvs1): held by lvs1; lvs1 MASTER, lvs2 BACKUP',
        '  local 10.20.0.100 (master lvs1): held by lvs1; lvs1 MASTER, lvs2 BACKUP',
    ]
    assert lines[4:9] == [
        'Virtual services (per director: weight health ActiveConn/InActConn)',
        '  web tcp 10.20.0.1:80 rr dr, owner keepalived',
        '    real server (weight)  lvs1      lvs2',
        '    rs1 10.20.1.1:80 (1)  1 up 0/0  1 up 0/0',
        '    rs2 10.20.1.2:80 (3)  3 up 0/0  1 up 0/0',
    ]
    assert lines[-3:] == [
        'Anomalies: 2',
        '  - web (tcp 10.20.0.1:80): the directors disagree on real servers or weights: '
        'lvs1 10.20.1.1:80=1 10.20.1.2:80=3; lvs2 10.20.1.1:80=1 10.20.1.2:80=1',
        '  - api (tcp 10.20.0.2:80): rs2 10.20.1.2:8080 has weight 0 on every director (lvs1 down, lvs2 down)',
    ]


def test_result_is_json_for_scripts(readings):
    status = cluster_status(readings, DIRECTORS, VIPS)
    assert json.loads(json.dumps(status)) == status
    assert sorted(status) == ['anomalies', 'services', 'vips']


def test_filters_are_registered():
    assert sorted(FilterModule().filters()) == ['cluster_status', 'cluster_status_report']


def hold(reading, address):
    """reading with address added to its lo, as the BGP gate holds a VIP."""
    lo = next(link for link in reading['addresses'] if link['ifname'] == 'lo')
    lo['addr_info'].append({'family': 'inet', 'local': address, 'prefixlen': 32, 'scope': 'global'})


def release(reading, address):
    for link in reading['addresses']:
        link['addr_info'] = [info for info in link.get('addr_info', []) if info.get('local') != address]


def test_a_bgp_vip_on_every_director_is_no_split(readings):
    vips = [dict(VIPS[0], announce='bgp')] + VIPS[1:]
    hold(readings['lvs2'], '10.20.0.1')
    status = cluster_status(readings, DIRECTORS, vips)
    assert kinds(status) == ['weight_zero_everywhere']   # the capture's api, as in the healthy case
    web = status['vips'][0]
    assert (web['holders'], web['states']) == (DIRECTORS, {'lvs1': 'ANNOUNCED', 'lvs2': 'ANNOUNCED'})
    assert cluster_status_report(status)[1] == '  web 10.20.0.1 (BGP): held by lvs1, lvs2; lvs1 ANNOUNCED, lvs2 ANNOUNCED'


def test_a_bgp_vip_withdrawn_by_one_director_is_no_anomaly_and_by_all_is_one(readings):
    vips = [dict(VIPS[0], announce='bgp')] + VIPS[1:]
    status = cluster_status(readings, DIRECTORS, vips)
    assert status['vips'][0]['states'] == {'lvs1': 'ANNOUNCED', 'lvs2': 'WITHDRAWN'}
    assert 'vip_unowned' not in kinds(status)
    release(readings['lvs1'], '10.20.0.1')
    unowned = [item for item in cluster_status(readings, DIRECTORS, vips)['anomalies'] if item['kind'] == 'vip_unowned']
    assert [item['message'] for item in unowned] == ['VIP web 10.20.0.1 is announced by no director (lvs1, lvs2)']


def test_the_other_director_as_sorry_server_of_a_bgp_vip(readings):
    """keepalived's sorry server of a BGP VIP's service is the next director (director_bgp_peer_backed_services)."""
    for host in DIRECTORS:
        for service in readings[host]['declared']:
            if service['name'] == 'web':
                service['announce'] = 'bgp'
        web = next(item for item in readings[host]['ipvs']['services'] if item['address'] == '10.20.0.1')
        web['real_servers'].append(dict(web['real_servers'][0], address='10.20.0.12', weight=1))
    readings['lvs1']['bgp_sorry_peers'] = {'web': '10.20.0.12'}
    status = cluster_status(readings, DIRECTORS, VIPS)
    row = real_server(status, 'web', '10.20.0.12')
    assert (row['host'], row['directors']['lvs1']['health']) == ('sorry server', 'sorry')
    # lvs2's sorry server is another director: there, the same entry is a stray.
    assert row['directors']['lvs2']['health'] == 'undeclared'
    assert [item['hosts'] for item in status['anomalies'] if item['kind'] == 'real_server_undeclared'] == [['lvs2']]
