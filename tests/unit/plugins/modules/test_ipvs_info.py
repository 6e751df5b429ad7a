# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipvs_info on an in-memory kernel: merges configuration, counters, stats and rates."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_kernel, ipvs_text
from ansible_collections.lvs.cluster.plugins.modules import ipvs_info
from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel
from ansible_collections.lvs.cluster.tests.unit.plugins.module_utils import captured


@pytest.fixture
def loaded(monkeypatch, tmp_path):
    """/proc/net/ip_vs as the ip_vs kernel module shows it when loaded."""
    proc = tmp_path / 'ip_vs'
    proc.write_text(u'IP Virtual Server version 1.2.1 (size=4096)\n')
    monkeypatch.setattr(ipvs_kernel, 'PROC_IPVS', str(proc))


@pytest.fixture
def kernel(monkeypatch, loaded):
    fake = FakeKernel(ipvs_input.desired_state([
        dict(address='10.10.0.100', port=80, real_servers=[dict(address='10.10.0.11', upper_threshold=9)]),
        dict(fwmark=10, family='ipv6', real_servers=[dict(address='2001:db8::11', forwarding='nat', port=443)]),
    ]).services)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, opt_dirs=None: '/sbin/' + name)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, data=None, **kwargs: fake.run(args, data))
    return fake


def run_module(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ipvs_info.main()
    return json.loads(capsys.readouterr().out)


def test_reports_table_with_counters_stats_and_rates(kernel, capsys):
    result = run_module(capsys)
    assert result['changed'] is False and result['ipvs_loaded'] is True
    web, mark = result['services']
    assert (web['address'], mark['fwmark'], mark['family']) == ('10.10.0.100', 10, 'ipv6')
    assert web['stats']['bytes_in'] == 7000 and mark['rates']['packets_in_per_second'] == 70
    server = web['real_servers'][0]
    assert (server['upper_threshold'], server['active_connections'], server['persistent_connections']) == (9, 0, 0)
    assert server['stats']['connections'] == 7
    assert mark['real_servers'][0]['rates']['bytes_in_per_second'] == 7000


def test_without_stats_and_rates_reads_less(kernel, capsys):
    result = run_module(capsys, stats=False, rates=False)
    assert 'stats' not in result['services'][0] and 'rates' not in result['services'][0]
    assert sorted(command[1:] for command in kernel.commands) == [  # sorted: -S and --thresholds run at once
        ['-L', '-n', '--persistent-conn', '--exact'], ['-L', '-n', '--thresholds'], ['-S', '-n']]


def test_check_mode_is_supported_and_changes_nothing(kernel, capsys):
    result = run_module(capsys, _ansible_check_mode=True)
    assert result['changed'] is False and len(result['services']) == 2
    assert not any('-R' in command for command in kernel.commands)


def test_unreadable_table_fails_like_the_ipvs_module(kernel, capsys, monkeypatch):
    monkeypatch.setattr(kernel, 'run', lambda args, data=None: (2, '', "Can't initialize ipvs: Protocol not available"))
    result = run_module(capsys)
    assert result['failed'] is True and result['rc'] == 2
    assert "Cannot read the IPVS table with ipvsadm -S -n: Can't initialize ipvs" in result['msg']


@pytest.mark.parametrize('check_mode', [False, True])
def test_without_ip_vs_loaded_returns_an_empty_table_and_runs_nothing(kernel, capsys, monkeypatch, tmp_path, check_mode):
    """ipvsadm would load ip_vs to answer: reading must not change the host."""
    monkeypatch.setattr(ipvs_kernel, 'PROC_IPVS', str(tmp_path / 'absent'))
    result = run_module(capsys, _ansible_check_mode=check_mode)
    assert (result['changed'], result['ipvs_loaded'], result['services']) == (False, False, [])
    assert 'not loaded' in result['msg'] and 'ipvsadm was not run' in result['msg']
    assert kernel.commands == []


# -- on the lab captures: every listing the module reads, as the kernel printed it

CAPTURED = {
    ('-S', '-n'): 'save.txt',
    ('-L', '-n', '--thresholds'): 'thresholds.txt',
    ('-L', '-n', '--persistent-conn', '--exact'): 'persistent-conn.txt',
    ('-L', '-n', '--stats', '--exact'): 'exact.txt',
    ('-L', '-n', '--rate', '--exact'): 'rate.txt',
}


@pytest.fixture
def captured_kernel(monkeypatch, loaded):
    paths = dict((args, os.path.join(captured.FIXTURE_DIR, name)) for args, name in CAPTURED.items())
    missing = [path for path in paths.values() if not os.path.exists(path)]
    if missing:
        pytest.skip('captures missing: %s' % ', '.join(missing))

    def run(self, args, data=None, **kwargs):
        return 0, captured.read(paths[tuple(args[1:])]), ''
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, opt_dirs=None: '/sbin/' + name)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run)


def test_reports_the_captured_table(captured_kernel, capsys):
    services = run_module(capsys)['services']
    saved = ipvs_text.parse_save(captured.read(os.path.join(captured.FIXTURE_DIR, 'save.txt')))
    assert len(services) == len(saved)
    assert sum(len(service['real_servers']) for service in services) == \
        sum(len(service.real_servers) for service in saved.values())
    for service in services:
        assert set(service['stats']) == set(ipvs_text.LISTING_COLUMNS['stats'])
        for real_server in service['real_servers']:
            assert {'active_connections', 'inactive_connections', 'persistent_connections', 'stats', 'rates'} <= set(real_server)


def test_counters_of_the_service_that_carried_traffic(captured_kernel, capsys):
    """capture.sh sent requests through one service; its counters are not all zero."""
    services = run_module(capsys)['services']
    busy = [service for service in services if service['stats']['connections']]
    assert busy, 'no service with connections in the capture'
    for service in busy:
        assert service['stats']['packets_in'] and service['stats']['bytes_in']
        assert sum(rs['stats']['connections'] for rs in service['real_servers']) == service['stats']['connections']
        assert sum(rs['inactive_connections'] + rs['active_connections'] for rs in service['real_servers']) > 0
