# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Normalisation, diff order and the desired-state merge of the model.

Tables here are built from desired input (the module's own input format) or
from rule lines as a user or the module writes them for ``ipvsadm -R``;
kernel output is only tested with captures (test_ipvs_captured.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_model, ipvs_plan, ipvs_text


def table_of(*services):
    return ipvs_input.desired_state(list(services)).services


def web(**overrides):
    service = dict(name='web', address='10.10.0.100', port=80, scheduler='wrr',
                   real_servers=[dict(address='10.10.0.11', weight=2), dict(address='10.10.0.12')])
    service.update(overrides)
    return service


def plan_lines(current, target):
    return ipvs_plan.render_plan(ipvs_plan.diff_tables(current, target))


# -- normalisation: defaults the kernel fills in are no change


@pytest.mark.parametrize('rule, expected', [
    ('-A -t 10.0.0.1:80', '-A -t 10.0.0.1:80 -s wlc'),
    ('-A -t 10.0.0.1:80 -s rr -p', '-A -t 10.0.0.1:80 -s rr -p 360'),
    ('-A -t 10.0.0.1:80 -s rr -p 60 -M 255.255.255.255', '-A -t 10.0.0.1:80 -s rr -p 60'),
    ('-A -t 10.0.0.1:80 -s rr -M 255.255.0.0', '-A -t 10.0.0.1:80 -s rr'),
    ('-A -f 7 -6 -s rr -p 60 -M 128', '-A -f 7 -6 -s rr -p 60'),
    ('-A -t [2001:DB8:0:0::1]:443 -s sh -b flag-2,flag-1', '-A -t [2001:db8::1]:443 -s sh -b sh-fallback,sh-port'),
    ('-A -u 10.0.0.1:53 -s mh -b flag-1', '-A -u 10.0.0.1:53 -s mh -b mh-fallback'),
    ('--add-service --tcp-service 10.0.0.1:80 --scheduler rr --persistent 30 --netmask 24',
     '-A -t 10.0.0.1:80 -s rr -p 30 -M 255.255.255.0'),
])
def test_service_rule_normalises_to_ipvsadm_form(rule, expected):
    assert ipvs_text.render_service('-A', ipvs_text.parse_rule(rule).service) == expected


@pytest.mark.parametrize('rule, expected', [
    ('-a -t 10.0.0.1:80 -r 10.0.0.2', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1'),
    ('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1'),
    ('-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3', '-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 3'),
    ('-a -f 5 -r 10.0.0.2 -g', '-a -f 5 -r 10.0.0.2:0 -g -w 1'),
    ('-a -t 10.0.0.1:80 -r 10.0.0.2 -i', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type ipip'),
    ('-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-type gre', '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 1 --tun-type gre --tun-nocsum'),
    ('-a -t 10.0.0.1:80 -r 10.0.0.2 --ipip --tun-type gue --tun-port 6080 --tun-csum --weight 0 --u-threshold 9',
     '-a -t 10.0.0.1:80 -r 10.0.0.2:80 -i -w 0 --tun-type gue --tun-port 6080 --tun-csum -x 9'),
])
def test_real_server_rule_normalises_to_ipvsadm_form(rule, expected):
    parsed = ipvs_text.parse_rule(rule)
    assert ipvs_text.render_real_server('-a', parsed.service.key, parsed.real_server) == expected


@pytest.mark.parametrize('rule', [
    '-X -t 10.0.0.1:80',
    '-A -t 10.0.0.1:80 -s',
    '-A -t 10.0.0.1:80 -f 3',
    '-A -t 10.0.0.300:80',
    '-A -t 10.0.0.1:80 --bogus',
    '-a -t 10.0.0.1:80 -r 10.0.0.2 -g -m',
    '-a -t 10.0.0.1:80 -r 10.0.0.2 -w 70000',
    '-A -f 0',
])
def test_bad_rules_are_refused(rule):
    with pytest.raises(ipvs_model.ParseError):
        ipvs_text.parse_rule(rule)


def test_real_server_before_its_service_is_refused():
    with pytest.raises(ipvs_model.ParseError, match='before its service'):
        ipvs_text.parse_save('-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1\n')


def test_desired_defaults_equal_what_the_kernel_reports():
    desired = table_of(dict(address='10.0.0.1', port=80, persistence_timeout=60,
                            real_servers=[dict(address='10.0.0.2')]))
    reported = ipvs_text.parse_save('-A -t 10.0.0.1:80 -s wlc -p 60\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1\n')
    assert desired == reported


def test_ipv6_addresses_compare_in_canonical_form():
    desired = table_of(dict(address='2001:DB8:0:0:0:0:0:100', port=80, real_servers=[dict(address='2001:db8::0:11')]))
    reported = ipvs_text.parse_save('-A -t [2001:db8::100]:80 -s wlc\n-a -t [2001:db8::100]:80 -r [2001:db8::11]:80 -g -w 1\n')
    assert desired == reported


def test_fwmark_services_are_keyed_by_mark_and_family():
    table = table_of(dict(fwmark=10, real_servers=[dict(address='10.0.0.2')]),
                     dict(fwmark=10, family='ipv6', real_servers=[dict(address='2001:db8::2', forwarding='nat', port=80)]))
    assert sorted(ipvs_text.render_save(table)) == sorted([
        '-A -f 10 -s wlc', '-a -f 10 -r 10.0.0.2:0 -g -w 1',
        '-A -f 10 -6 -s wlc', '-a -f 10 -6 -r [2001:db8::2]:80 -m -w 1'])


def test_forwarding_aliases_are_normalised():
    names = ['route', 'g', 'masq', 'm', 'ipip', 'i']
    table = table_of(*[dict(address='10.0.0.1', port=port, forwarding=name, real_servers=[dict(address='10.0.0.2')])
                       for port, name in enumerate(names, 1)])
    assert [list(service.real_servers.values())[0].forwarding for service in ipvs_model.sorted_services(table)] == \
        ['dr', 'dr', 'nat', 'nat', 'tun', 'tun']


def test_thresholds_come_from_the_thresholds_listing():
    table = table_of(web())
    listing = {ipvs_model.service_key('tcp', '10.10.0.100', 80): ({}, {('10.10.0.11', 80): dict(upper_threshold=50,
                                                                                                lower_threshold=5)})}
    ipvs_text.apply_thresholds(table, listing)
    servers = ipvs_model.sorted_real_servers(ipvs_model.sorted_services(table)[0])
    assert [(rs.upper_threshold, rs.lower_threshold) for rs in servers] == [(50, 5), (0, 0)]


# -- diff and order


def test_identical_tables_need_no_lines():
    assert plan_lines(table_of(web()), table_of(web())) == []


def test_new_service_then_its_servers():
    assert plan_lines({}, table_of(web())) == [
        '-A -t 10.10.0.100:80 -s wrr',
        '-a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 2',
        '-a -t 10.10.0.100:80 -r 10.10.0.12:80 -g -w 1',
    ]


def test_service_settings_change_is_an_edit_with_every_setting():
    current = table_of(web(persistence_timeout=300))
    target = table_of(web(scheduler='sh', scheduler_flags=['sh-port'], persistence_timeout=300))
    assert plan_lines(current, target) == ['-E -t 10.10.0.100:80 -s sh -p 300 -b sh-port']


def test_removing_persistence_is_an_edit():
    assert plan_lines(table_of(web(persistence_timeout=300)), table_of(web())) == ['-E -t 10.10.0.100:80 -s wrr']


def test_protocol_change_is_a_different_service():
    assert plan_lines(table_of(web(real_servers=[])), table_of(web(protocol='udp', real_servers=[]))) == [
        '-A -u 10.10.0.100:80 -s wrr', '-D -t 10.10.0.100:80']


def test_order_adds_edits_then_deletes():
    current = table_of(web(), dict(name='old', address='10.10.0.101', port=80, real_servers=[dict(address='10.10.0.11')]))
    target = table_of(
        web(scheduler='rr', real_servers=[dict(address='10.10.0.11', weight=5), dict(address='10.10.0.13')]),
        dict(name='new', address='10.10.0.102', port=443, real_servers=[dict(address='10.10.0.11')]))
    assert plan_lines(current, target) == [
        '-A -t 10.10.0.102:443 -s wlc',
        '-E -t 10.10.0.100:80 -s rr',
        '-a -t 10.10.0.100:80 -r 10.10.0.13:80 -g -w 1',
        '-a -t 10.10.0.102:443 -r 10.10.0.11:443 -g -w 1',
        '-e -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 5',
        '-d -t 10.10.0.100:80 -r 10.10.0.12:80',
        '-D -t 10.10.0.101:80',
    ]


def test_nat_port_mapping_to_dr_is_delete_and_add():
    current = table_of(web(forwarding='nat', real_servers=[dict(address='10.10.0.11', port=8080)]))
    target = table_of(web(real_servers=[dict(address='10.10.0.11')]))
    assert plan_lines(current, target) == ['-a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 1',
                                           '-d -t 10.10.0.100:80 -r 10.10.0.11:8080']


def test_threshold_change_is_an_edit_carrying_weight():
    target = table_of(web(real_servers=[dict(address='10.10.0.11', weight=2, upper_threshold=100, lower_threshold=10),
                                        dict(address='10.10.0.12')]))
    assert plan_lines(table_of(web()), target) == ['-e -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 2 -x 100 -y 10']


# -- desired state merged into the current table


def test_without_purge_undeclared_services_and_servers_stay():
    current = table_of(web(), dict(address='10.10.0.200', port=25))
    desired = ipvs_input.desired_state([web(real_servers=[dict(address='10.10.0.13')])])
    target = ipvs_plan.target_table(current, desired, purge=False)
    assert set(target) == set(current)
    assert sorted(rs.address for rs in target[ipvs_model.service_key('tcp', '10.10.0.100', 80)].real_servers.values()) == \
        ['10.10.0.11', '10.10.0.12', '10.10.0.13']


def test_purge_removes_undeclared_services_and_servers():
    current = table_of(web(), dict(address='10.10.0.200', port=25))
    desired = ipvs_input.desired_state([web(real_servers=[dict(address='10.10.0.13')])])
    assert plan_lines(current, ipvs_plan.target_table(current, desired, purge=True)) == [
        '-a -t 10.10.0.100:80 -r 10.10.0.13:80 -g -w 1',
        '-d -t 10.10.0.100:80 -r 10.10.0.11:80',
        '-d -t 10.10.0.100:80 -r 10.10.0.12:80',
        '-D -t 10.10.0.200:25',
    ]


def test_absent_service_and_absent_server():
    current = table_of(web(), dict(address='10.10.0.200', port=25))
    desired = ipvs_input.desired_state([
        dict(address='10.10.0.200', port=25, state='absent'),
        web(real_servers=[dict(address='10.10.0.12', state='absent')]),
    ])
    assert plan_lines(current, ipvs_plan.target_table(current, desired, purge=False)) == [
        '-d -t 10.10.0.100:80 -r 10.10.0.12:80', '-D -t 10.10.0.200:25']


def test_absent_things_that_do_not_exist_need_nothing():
    desired = ipvs_input.desired_state([dict(address='10.10.0.200', port=25, state='absent'),
                                        web(real_servers=[dict(address='10.10.0.99', state='absent')])])
    assert plan_lines({}, ipvs_plan.target_table({}, desired, purge=False)) == [
        '-A -t 10.10.0.100:80 -s wrr']


def test_unapplied_lines_ignore_services_owned_by_someone_else():
    desired = ipvs_input.desired_state([web()])
    target = ipvs_plan.target_table({}, desired, purge=False)
    keepalived_service = table_of(dict(address='10.10.0.200', port=25))
    actual = dict(target)
    actual.update(keepalived_service)
    assert ipvs_plan.unapplied_lines(actual, target, desired, purge=False) == []
    assert ipvs_plan.unapplied_lines(actual, target, desired, purge=True) == ['-D -t 10.10.0.200:25']


def test_unapplied_lines_name_what_the_kernel_did_not_take():
    desired = ipvs_input.desired_state([web()])
    target = ipvs_plan.target_table({}, desired, purge=False)
    assert ipvs_plan.unapplied_lines({}, target, desired, purge=False) == plan_lines({}, target)


def test_service_dict_has_every_field():
    service = ipvs_model.sorted_services(table_of(web(persistence_timeout=60)))[0].to_dict()
    assert service == dict(
        protocol='tcp', address='10.10.0.100', port=80, fwmark=None, family='ipv4', scheduler='wrr',
        scheduler_flags=[], persistence_timeout=60, persistence_netmask='255.255.255.255', persistence_engine=None,
        one_packet=False, real_servers=[
            dict(address='10.10.0.11', port=80, forwarding='dr', weight=2, upper_threshold=0, lower_threshold=0,
                 tunnel_type=None, tunnel_port=None, tunnel_checksum=None),
            dict(address='10.10.0.12', port=80, forwarding='dr', weight=1, upper_threshold=0, lower_threshold=0,
                 tunnel_type=None, tunnel_port=None, tunnel_checksum=None)])
