# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The director role's checks and files for BGP VIPs (tests/bgp/inventory), run as a
play would with tests/hostile/cluster.py: hostile values are refused naming the
variable, directors that would disagree are refused naming the override, the VRRP
kernel settings are those of before, keepalived 2.2.7 reads the keepalived.conf
(LVS_HOSTILE_ROOT) and FRR's vtysh --dryrun refuses what the checks would have
refused (LVS_FRR_ROOT), so the role's validation is a second line."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import os
import subprocess
import sys
import tempfile

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'hostile'))
sys.path.insert(0, HERE)
from cluster import REPO, Cluster, Refused  # noqa: E402  pylint: disable=wrong-import-position
from render_all import director_variables  # noqa: E402  pylint: disable=wrong-import-position
import real_tools  # noqa: E402  pylint: disable=wrong-import-position

INVENTORY = os.path.join(HERE, 'inventory')
with open(os.path.join(INVENTORY, 'group_vars', 'all', 'lvs.yml')) as tree:
    TREE = yaml.safe_load(tree)
NEWLINE_PEER = '\n neighbor 10.66.6.6 remote-as 666'


def checked_variables(extra=None, host='lvs1', host_vars=None):
    """The director's variables on host after every check a play runs before a change."""
    cluster = Cluster(INVENTORY, extra_vars=extra, host_vars=host_vars)
    variables = cluster.role_vars('director', host)
    cluster.check_arguments('director', variables)
    cluster.run_fail_tasks('director', 'validate.yml', variables)
    return cluster, variables


def bgp(**peer_changes):
    tree = copy.deepcopy(TREE['director_bgp'])
    tree['peers'][0].update(peer_changes)
    return {'director_bgp': tree}


def web_service(**changes):
    services = copy.deepcopy(TREE['lvs_virtual_services'])
    services[0].update(changes)
    return {'lvs_virtual_services': services}


def test_the_bgp_inventory_passes_every_check():
    checked_variables()


@pytest.mark.parametrize('extra, variable', [
    (bgp(password='md5' + NEWLINE_PEER), 'director_bgp.peers[0].password: ********'),
    (bgp(password='a!b'), 'director_bgp.peers[0].password'),
    (bgp(address='10.99.1.1' + NEWLINE_PEER), 'director_bgp.peers[0].address'),
    (bgp(bfd_receive_interval=5), 'director_bgp.peers[0].bfd_receive_interval'),
    (bgp(bfd_multiplier=300), 'director_bgp.peers[0].bfd_multiplier'),
    ({'director_bgp': dict(TREE['director_bgp'], asn=4294967296)}, 'director_bgp.asn'),
    ({'director_bgp': dict(TREE['director_bgp'], communities=['65001:100' + NEWLINE_PEER])}, 'director_bgp.communities[0]'),
    ({'director_bgp': dict(TREE['director_bgp'], router_id='10.99.1.11 x')}, 'director_bgp.router_id'),
    ({'director_bgp_disable_file': '/etc/x\nExecStartPost=/bin/sh -c reboot'}, 'director_bgp_disable_file'),
    ({'director_bgp_interface': 'lo; reboot'}, 'director_bgp_interface'),
    (web_service(scheduler='wrr'), 'director_bgp_allow_inconsistent'),
    (web_service(rules_owner='ipvsadm'), 'needs rules_owner keepalived'),
    (web_service(forwarding='nat'), 'forwards by dr or tun'),
    ({'director_bgp_gate_poll_ms': 5}, 'director_bgp_gate_poll_ms'),
    (bgp(connect_retry=0), 'director_bgp.peers[0].connect_retry'),
    ({'director_sync_daemon': True, 'director_sync_daemon_vip': 'web'}, 'director_sync_daemon_vip'),
])
def test_hostile_or_inconsistent_values_are_refused(extra, variable):
    with pytest.raises(Refused) as refused:
        checked_variables(extra)
    assert variable in str(refused.value)
    assert 'md5' + NEWLINE_PEER not in str(refused.value)


def second_chance_refusal(host_vars=None, host_facts=None):
    """lvs1's second-chance addresses, and the message of resolve_hosts.yml's
    address check (None when it passes)."""
    cluster = Cluster(INVENTORY, host_vars=host_vars, host_facts=host_facts)
    variables = director_variables(cluster, 'lvs1')
    try:
        cluster.run_fail_tasks('director', 'resolve_hosts.yml', variables)
    except Refused as refused:
        return variables['director_interfaces']['second_chance'], str(refused.args[0])
    return variables['director_interfaces']['second_chance'], None


def test_the_second_chance_goes_to_the_other_directors():
    assert second_chance_refusal() == (['10.99.1.12'], None)


# lvs2 with no address on the router's network: its lvs_director_address is used.
@pytest.mark.parametrize('address', ['10.99.1.12\n}', '10.99.1.12" dev lo', '{10.99.1.12}', '../../10.99.1.12'])
def test_a_hostile_peer_address_is_refused_before_the_gate_routes_to_it(address):
    addresses, refused = second_chance_refusal(host_vars={'lvs2': {'lvs_director_address': address}},
                                               host_facts={'lvs2': {'all_ipv4_addresses': ['192.0.2.12']}})
    assert addresses == [address]
    assert refused and 'second chance of the BGP VIPs' in refused, refused


def test_the_override_accepts_another_scheduler():
    checked_variables(dict(web_service(scheduler='wrr'), director_bgp_allow_inconsistent=True))


def disagreements(host_vars=None, allow=False):
    """What the role's cross-director check says (tasks/main.yml), for lvs1 and lvs2."""
    cluster = Cluster(INVENTORY, host_vars=host_vars)
    views = {host: director_variables(cluster, host)['director_services'] for host in ('lvs1', 'lvs2')}
    variables = director_variables(cluster, 'lvs1')
    variables['views'] = views
    return cluster.template_value(variables, '{{ views | lvs.cluster.bgp_disagreements(%s) }}' % allow)


def test_directors_that_agree_pass():
    assert disagreements() == []


def test_directors_with_different_weights_are_refused_naming_the_override():
    host_vars = {'lvs2': web_service(real_servers=[{'host': 'rs1', 'weight': 2}, 'rs2'])}
    messages = disagreements(host_vars)
    assert len(messages) == 1 and 'directors lvs1 and lvs2 disagree' in messages[0]
    assert 'director_bgp_allow_inconsistent' in messages[0]
    assert disagreements(host_vars, allow=True) == []


def test_kernel_settings():
    vrrp = Cluster(os.path.join(REPO, 'inventories', 'lab'))
    assert vrrp.template_value(vrrp.role_vars('director', 'lvs1'), '{{ director_ipvs_sysctls }}') == {
        'net.ipv4.vs.expire_quiescent_template': 1, 'net.ipv4.vs.expire_nodest_conn': 1}
    cluster, variables = checked_variables()
    assert cluster.template_value(variables, '{{ director_ipvs_sysctls }}') == {
        'net.ipv4.vs.expire_quiescent_template': 0, 'net.ipv4.vs.expire_nodest_conn': 0,
        'net.ipv4.vs.sloppy_tcp': 1, 'net.ipv4.vs.sloppy_sctp': 1,
        'net.ipv4.conf.all.arp_ignore': 1, 'net.ipv4.conf.all.arp_announce': 2}


@pytest.mark.skipif(not real_tools.ROOT, reason='LVS_HOSTILE_ROOT is not set (tests/hostile/tools.sh)')
def test_keepalived_reads_the_bgp_keepalived_conf():
    cluster = Cluster(INVENTORY)
    text = cluster.render(director_variables(cluster, 'lvs1'), 'keepalived.conf.j2')
    code, said = real_tools.keepalived_config_test(text)
    assert code == 0, said
    blocks = real_tools.keepalived_blocks(text)
    assert sorted(arg for _depth, word, arg in blocks if word == 'vrrp_instance') == ['VI_admin']   # none for the BGP VIP
    assert 'lb_algo mh\n    lb_kind DR\n    protocol TCP\n    mh-port\n' in text
    assert 'quorum_up' not in text   # the gate watches the table itself (files/lvs-bgp-gate)
    # Its last real server down, keepalived hands the flows to the other director (DR).
    assert '    sorry_server 10.99.1.12 80\n    sorry_server_lvs_method DR\n' in text


@pytest.mark.skipif(not os.environ.get('LVS_FRR_ROOT'), reason='LVS_FRR_ROOT is not set (tests/bgp/tools.sh)')
@pytest.mark.parametrize('extra', [bgp(password='two words'), bgp(bfd_multiplier=1),
                                   {'director_bgp': dict(TREE['director_bgp'], asn=4294967296)}])
def test_frr_refuses_what_the_checks_refuse(extra):
    root = os.environ['LVS_FRR_ROOT']
    cluster = Cluster(INVENTORY, extra_vars=extra)
    text = cluster.render(director_variables(cluster, 'lvs1'), 'frr.conf.j2')   # checks skipped on purpose
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'frr.conf')
        with open(path, 'w') as out:
            out.write(text)
        libs = [os.path.join(root, 'usr/lib/x86_64-linux-gnu'), os.path.join(root, 'usr/lib/x86_64-linux-gnu/frr')]
        result = subprocess.run([os.path.join(root, 'usr/bin/vtysh'), '--config_dir', directory, '--dryrun', '--inputfile', path],
                                capture_output=True, text=True, env=dict(os.environ, LD_LIBRARY_PATH=':'.join(libs)), check=False)
    assert result.returncode != 0, text


def test_the_realserver_role_serves_a_bgp_vip_unchanged():
    """DR (and TUN) real servers hold the VIP on lo (tunl0) whichever way the directors hold it."""
    cluster = Cluster(INVENTORY)
    variables = cluster.role_vars('realserver', 'rs1')
    cluster.check_arguments('realserver', variables)
    variables['realserver_served'] = cluster.served(variables)
    cluster.run_fail_tasks('realserver', 'validate.yml', variables)
    assert variables['realserver_served']['dr_vips'] == ['10.99.1.100', 'fd00:99:1::100', '10.99.1.200']
