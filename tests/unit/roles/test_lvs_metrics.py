# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The textfile writer roles/metrics/files/lvs-metrics, on what keepalived 2.2.7's D-Bus
interface and ipvsadm answered in the lab (tests/unit/fixtures/metrics/capture.sh)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.machinery
import importlib.util
import os

HERE = os.path.dirname(__file__)
WRITER_PATH = os.path.join(HERE, '..', '..', '..', 'roles', 'metrics', 'files', 'lvs-metrics')
_loader = importlib.machinery.SourceFileLoader('lvs_metrics', WRITER_PATH)
_spec = importlib.util.spec_from_loader('lvs_metrics', _loader)
writer = importlib.util.module_from_spec(_spec)
_loader.exec_module(writer)

FIXTURES = os.path.join(HERE, '..', 'fixtures', 'metrics')
WEB = {'instance': 'VI_web', 'vip': 'web', 'address': '172.17.0.100'}
API = {'instance': 'VI_api', 'vip': 'api', 'address': '172.17.0.101'}
NFS_MOUNTS = ('10.44.0.30:/srv/nfs/web /var/www/html nfs rw,relatime,vers=3 0 0\n'
              'overlay / overlay rw 0 0\n')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as captured:
        return captured.read()


def keepalived(answers):
    """A command runner answering busctl and ipvsadm from the captured outputs."""
    def query(argv, timeout=10):
        return answers.get(argv[1] if argv[0] == 'busctl' else argv[0])
    return query


RUNNING = keepalived({'--list': fixture('busctl-tree.txt'), '--json=short': fixture('busctl-instance.json'),
                      'ipvsadm': fixture('ipvsadm-daemon.txt')})
STOPPED = keepalived({'ipvsadm': ''})


def test_instance_paths_are_the_vrrp_instances_only():
    assert writer.instance_paths(fixture('busctl-tree.txt')) == ['/org/keepalived/Vrrp1/Instance/eth0/51/IPv4']
    assert writer.instance_paths(None) == []


def test_instance_state_reads_name_and_number():
    assert writer.instance_state(fixture('busctl-instance.json')) == ('VI_web', 2)


def test_running_keepalived_gives_its_states():
    assert writer.keepalived_states(RUNNING) == {'VI_web': 2}


def test_an_instance_keepalived_does_not_have_is_stopped():
    assert writer.vrrp_samples([WEB, API], {'VI_web': 2}) == [
        'lvs_vrrp_state{vip="web",vrrp_instance="VI_web",address="172.17.0.100"} 2',
        'lvs_vrrp_state{vip="api",vrrp_instance="VI_api",address="172.17.0.101"} 0']


def test_stopped_keepalived_reports_every_instance_stopped():
    text = writer.metrics({'vrrp_instances': [WEB]}, STOPPED)
    assert 'lvs_vrrp_state{vip="web",vrrp_instance="VI_web",address="172.17.0.100"} 0\n' in text


def test_sync_daemon_up_from_ipvsadm():
    assert writer.sync_daemon_up(fixture('ipvsadm-daemon.txt'))
    assert not writer.sync_daemon_up('')
    assert not writer.sync_daemon_up(None)


def test_label_values_are_escaped():
    assert writer.sample('m', {'path': 'a"b\\c\nd'}, 1) == 'm{path="a\\"b\\\\c\\nd"} 1'


def test_nfs_mount_ok_needs_an_nfs_mount_that_answers():
    answers = keepalived({'stat': 'ok'})
    assert writer.nfs_mount_ok('/var/www/html', 5, NFS_MOUNTS, answers)
    assert not writer.nfs_mount_ok('/var/www/html', 5, NFS_MOUNTS, keepalived({}))
    assert not writer.nfs_mount_ok('/', 5, NFS_MOUNTS, answers)


def test_whole_file_of_a_director():
    text = writer.metrics({'vrrp_instances': [WEB], 'sync_daemon_vip': 'web'}, RUNNING)
    assert text.splitlines() == [
        '# HELP lvs_vrrp_state ' + writer.HELP['lvs_vrrp_state'],
        '# TYPE lvs_vrrp_state gauge',
        'lvs_vrrp_state{vip="web",vrrp_instance="VI_web",address="172.17.0.100"} 2',
        '# HELP lvs_sync_daemon_up ' + writer.HELP['lvs_sync_daemon_up'],
        '# TYPE lvs_sync_daemon_up gauge',
        'lvs_sync_daemon_up{vip="web"} 1']


def test_whole_file_of_a_real_server():
    text = writer.metrics({'nfs_mounts': ['/var/www/html'], 'nfs_timeout': 2}, keepalived({}), NFS_MOUNTS)
    assert text.splitlines()[2:] == ['lvs_nfs_mount_ok{path="/var/www/html"} 0']


def test_nothing_to_measure_writes_an_empty_file():
    assert writer.metrics({}, STOPPED) == ''


def test_write_atomically_replaces_the_file(tmp_path):
    writer.write_atomically(str(tmp_path), 'x.prom', 'a 1\n')
    writer.write_atomically(str(tmp_path), 'x.prom', 'a 2\n')
    assert [p.name for p in tmp_path.iterdir()] == ['x.prom']
    assert (tmp_path / 'x.prom').read_text() == 'a 2\n'


def test_main_writes_once_without_seconds(tmp_path, monkeypatch):
    config = tmp_path / 'metrics.json'
    config.write_text('{"textfile_dir": "%s"}' % tmp_path)
    monkeypatch.setattr(writer, 'run', lambda argv, timeout=10: None)
    writer.main(['lvs-metrics', str(config)])
    assert (tmp_path / writer.OUTPUT).read_text() == ''


# The hand-off chain as nft 1.0.6 listed it after three connections were handed on
# (tests/bgp/test_hand_off_netns.py, LVS_CAPTURE_DIR).
HAND_OFF_CHAINS = [['ip', 'lvs_cluster_fwmark', 'bgp_hand_off']]


def test_hand_off_packets_per_service_from_nft():
    assert writer.hand_off_packets(fixture('nft-hand-off.json')) == {'web': 20}
    assert writer.hand_off_packets(None) == {}


def test_hand_off_counter_of_a_bgp_director():
    text = writer.metrics({'hand_off_chains': HAND_OFF_CHAINS}, keepalived({'nft': fixture('nft-hand-off.json')}))
    assert text.splitlines() == [
        '# HELP lvs_bgp_hand_off_packets_total ' + writer.HELP['lvs_bgp_hand_off_packets_total'],
        '# TYPE lvs_bgp_hand_off_packets_total counter',
        'lvs_bgp_hand_off_packets_total{service="web"} 20']


# The ip6 chain as nft 1.0.6 listed it after five IPv6 connections were handed on (the same test).
def test_the_counters_of_both_families_chains_are_written():
    chains = HAND_OFF_CHAINS + [['ip6', 'lvs_cluster_fwmark', 'bgp_hand_off']]
    listings = {'ip': fixture('nft-hand-off.json'), 'ip6': fixture('nft-hand-off6.json')}
    text = writer.metrics({'hand_off_chains': chains}, lambda argv, timeout=10: listings[argv[4]])
    assert text.splitlines()[2:] == ['lvs_bgp_hand_off_packets_total{service="web"} 20',
                                     'lvs_bgp_hand_off_packets_total{service="web6"} 20']


def test_no_hand_off_chain_no_counter():
    # nft fails when the chain is not there (a director without BGP VIPs, or before the first run).
    assert writer.metrics({'hand_off_chains': HAND_OFF_CHAINS}, keepalived({})) == ''
