# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ipvs module's logic (check mode, diff, verification, save) on an in-memory kernel."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat

import pytest

from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_kernel, ipvs_model, ipvs_text
from ansible_collections.lvs.cluster.plugins.modules import ipvs as ipvs_module
from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel
from ansible_collections.lvs.cluster.tests.unit.plugins.module_utils import captured

WEB = dict(name='web', address='10.10.0.100', port=80, scheduler='wrr',
           real_servers=[dict(address='10.10.0.11', weight=2), dict(address='10.10.0.12')])


@pytest.fixture
def kernel(monkeypatch, tmp_path):
    """A fake kernel answering the module's commands, with ip_vs 'loaded'."""
    fake = FakeKernel()
    proc = tmp_path / 'ip_vs'
    proc.write_text(u'')
    monkeypatch.setattr(ipvs_kernel, 'PROC_IPVS', str(proc))
    monkeypatch.setattr(ipvs_kernel, 'SYS_MODULE', str(tmp_path / 'sys_module'))
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, opt_dirs=None: '/sbin/' + name)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, args, data=None, **kwargs: fake.run(args, data))
    return fake


def run_module(capsys, **args):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as caught:
            ipvs_module.main()
    result = json.loads(capsys.readouterr().out)
    result['rc_exit'] = caught.value.code
    return result


def test_converges_in_one_restore_and_is_idempotent(kernel, capsys):
    result = run_module(capsys, services=[WEB])
    assert result['changed'] is True
    assert result['commands'] == ['-A -t 10.10.0.100:80 -s wrr',
                                  '-a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 2',
                                  '-a -t 10.10.0.100:80 -r 10.10.0.12:80 -g -w 1']
    assert len(kernel.restores) == 1
    assert result['services'][0]['real_servers'][0]['weight'] == 2

    again = run_module(capsys, services=[WEB])
    assert (again['changed'], again['commands']) == (False, [])
    assert len(kernel.restores) == 1
    assert 'services' not in again  # an unchanged table is returned on request only


def test_return_table_returns_an_unchanged_table(kernel, capsys):
    run_module(capsys, services=[WEB])
    result = run_module(capsys, services=[], return_table=True)
    assert result['changed'] is False
    assert [service['address'] for service in result['services']] == ['10.10.0.100']


def test_both_reads_fail_cleanly_when_ipvsadm_cannot_run(kernel, capsys, monkeypatch):
    def missing(self, args, data=None, handle_exceptions=True, **kwargs):
        if handle_exceptions:
            raise SystemExit(basic.AnsibleModule.fail_json(self, msg='[Errno 2] No such file or directory'))
        raise OSError(2, 'No such file or directory')
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', missing)
    result = run_module(capsys, services=[WEB])
    assert result['failed'] is True and 'No such file' in result['msg']


def test_check_mode_reports_and_changes_nothing(kernel, capsys):
    result = run_module(capsys, services=[WEB], _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True
    assert len(result['commands']) == 3
    assert kernel.restores == [] and kernel.table == {}
    assert result['diff']['before'] == ''
    assert result['diff']['after'].splitlines() == result['commands']
    assert result['services'][0]['address'] == '10.10.0.100'
    assert not any(command[0] == '/sbin/modprobe' for command in kernel.commands)


def test_diff_shows_whole_table_before_and_after(kernel, capsys):
    run_module(capsys, services=[WEB])
    changed = dict(WEB, real_servers=[dict(address='10.10.0.11', weight=5)])
    result = run_module(capsys, services=[changed], purge=True, _ansible_diff=True)
    assert result['commands'] == ['-e -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 5',
                                  '-d -t 10.10.0.100:80 -r 10.10.0.12:80']
    assert '-a -t 10.10.0.100:80 -r 10.10.0.12:80 -g -w 1' in result['diff']['before']
    assert result['diff']['after'] == '-A -t 10.10.0.100:80 -s wrr\n-a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 5\n'


def test_thresholds_are_read_back_so_they_are_idempotent(kernel, capsys):
    service = dict(WEB, real_servers=[dict(address='10.10.0.11', upper_threshold=100, lower_threshold=10)])
    assert run_module(capsys, services=[service])['changed'] is True
    assert '-x' not in kernel.save()  # like the kernel's save format
    assert run_module(capsys, services=[service])['changed'] is False


def test_lines_the_kernel_refuses_fail_the_task(kernel, capsys):
    service = dict(WEB, scheduler='twos')  # not in the lab's 6.1 kernel
    result = run_module(capsys, services=[service, dict(address='10.10.0.101', port=80)])
    assert result['failed'] is True
    assert result['unapplied'] == ['-A -t 10.10.0.100:80 -s twos',
                                   '-a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 2',
                                   '-a -t 10.10.0.100:80 -r 10.10.0.12:80 -g -w 1']
    assert 'Scheduler or persistence engine not found' in result['msg']
    assert [service['address'] for service in result['services']] == ['10.10.0.101']


def test_invalid_input_fails_before_touching_the_kernel(kernel, capsys):
    result = run_module(capsys, services=[dict(WEB, port=70000)])
    assert result['failed'] is True
    assert "service 'web': port: 70000 is out of range 0-65535" in result['msg']
    assert kernel.commands == []


def test_unknown_and_mistyped_fields_name_the_service(kernel, capsys):
    result = run_module(capsys, services=[dict(WEB, wieght=2), dict(WEB, name='api', port='eighty')])
    assert result['failed'] is True
    assert result['errors'] == [
        "service 'web': wieght: unknown field (known: address, family, forwarding, fwmark, name, one_packet, "
        "persistence_engine, persistence_netmask, persistence_timeout, port, protocol, real_servers, scheduler, "
        "scheduler_flags, state)",
        "service 'api': port: 'eighty' is not an integer"]
    assert kernel.commands == []


def test_values_are_converted_like_ansible_options(kernel, capsys):
    service = dict(WEB, port='53', protocol='udp', one_packet='yes', scheduler_flags='flag-1,flag-2',
                   real_servers=[dict(address='10.10.0.11', weight='2')])
    result = run_module(capsys, services=[service])
    assert result['commands'] == ['-A -u 10.10.0.100:53 -s wrr -o -b flag-1,flag-2',
                                  '-a -u 10.10.0.100:53 -r 10.10.0.11:53 -g -w 2']


def test_scheduler_modules_missing_from_sys_module_are_loaded(kernel, capsys):
    run_module(capsys, services=[WEB])
    assert ['/sbin/modprobe', 'ip_vs_wrr'] in kernel.commands


def test_missing_ipvs_in_check_mode_means_empty_table(kernel, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(ipvs_kernel, 'PROC_IPVS', str(tmp_path / 'absent'))
    result = run_module(capsys, services=[WEB], _ansible_check_mode=True)
    assert result['changed'] is True and kernel.commands == []
    assert 'IPVS is not loaded' in json.dumps(result['warnings'])


def test_unreadable_table_fails_clearly(kernel, capsys, monkeypatch):
    monkeypatch.setattr(kernel, 'run', lambda args, data=None: (2, '', "Can't initialize ipvs: Protocol not available"))
    result = run_module(capsys, services=[WEB])
    assert result['failed'] is True
    assert "Cannot read the IPVS table with ipvsadm -S -n: Can't initialize ipvs" in result['msg']


def test_save_file_is_written_once(kernel, capsys, tmp_path):
    rules = tmp_path / 'ipvsadm.rules'
    first = run_module(capsys, services=[WEB], save=str(rules))
    assert first['changed'] is True
    assert rules.read_text().splitlines() == first['commands']
    second = run_module(capsys, services=[WEB], save=str(rules))
    assert second['changed'] is False
    rules.write_text(u'stale\n')
    third = run_module(capsys, services=[WEB], save=str(rules), _ansible_check_mode=True)
    assert third['changed'] is True and rules.read_text() == u'stale\n'


def file_mode(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def test_save_file_is_private_whatever_the_umask(kernel, capsys, tmp_path):
    rules = tmp_path / 'etc' / 'ipvsadm.rules'
    rules.parent.mkdir()
    old_umask = os.umask(0)
    try:
        run_module(capsys, services=[WEB], save=str(rules))
    finally:
        os.umask(old_umask)
    assert file_mode(rules) == 0o600
    assert os.listdir(str(rules.parent)) == ['ipvsadm.rules']  # no temporary file left


def test_save_file_with_the_content_but_another_mode_is_made_private(kernel, capsys, tmp_path):
    rules = tmp_path / 'ipvsadm.rules'
    run_module(capsys, services=[WEB], save=str(rules))
    os.chmod(str(rules), 0o644)
    checked = run_module(capsys, services=[WEB], save=str(rules), _ansible_check_mode=True)
    assert checked['changed'] is True and file_mode(rules) == 0o644
    fixed = run_module(capsys, services=[WEB], save=str(rules))
    assert fixed['changed'] is True and file_mode(rules) == 0o600


def test_save_file_does_not_follow_a_symlink_at_the_old_temporary_name(kernel, capsys, tmp_path):
    """The module used to write through .NAME.tmp, so a link planted there redirected the write."""
    victim = tmp_path / 'victim'
    victim.write_text(u'untouched\n')
    rules = tmp_path / 'ipvsadm.rules'
    planted = tmp_path / '.ipvsadm.rules.tmp'
    planted.symlink_to(victim)
    result = run_module(capsys, services=[WEB], save=str(rules))
    assert victim.read_text() == u'untouched\n'
    assert planted.is_symlink() and not rules.is_symlink()
    assert rules.read_text().splitlines() == result['commands']


def test_save_file_in_a_missing_directory_fails_naming_it(kernel, capsys, tmp_path):
    rules = tmp_path / 'missing' / 'ipvsadm.rules'
    result = run_module(capsys, services=[WEB], save=str(rules))
    assert result['failed'] is True and 'Cannot write the rules file %s' % rules in result['msg']


def test_save_scope_declared_leaves_other_owners_services_out(kernel, capsys, tmp_path):
    keepalived_owned = dict(address='10.10.0.200', port=25, real_servers=[dict(address='10.10.0.21')])
    kernel.table = ipvs_input.desired_state([keepalived_owned]).services
    rules = tmp_path / 'ipvsadm.rules'
    declared = run_module(capsys, services=[WEB], save=str(rules), save_scope='declared')
    assert rules.read_text().splitlines() == declared['commands']
    whole = run_module(capsys, services=[WEB], save=str(rules))
    assert whole['changed'] is True
    assert '-A -t 10.10.0.200:25 -s wlc' in rules.read_text().splitlines()


def test_purge_removes_what_is_not_declared(kernel, capsys):
    kernel.table = ipvs_input.desired_state([WEB, dict(address='10.10.0.200', port=25)]).services
    result = run_module(capsys, services=[dict(WEB, state='absent')], purge=True)
    assert sorted(result['commands']) == ['-D -t 10.10.0.100:80', '-D -t 10.10.0.200:25']
    assert kernel.table == {}


def captured_table():
    save = os.path.join(captured.FIXTURE_DIR, 'save.txt')
    thresholds = os.path.join(captured.FIXTURE_DIR, 'thresholds.txt')
    if not (os.path.exists(save) and os.path.exists(thresholds)):
        pytest.skip('no save.txt and thresholds.txt captures')
    return ipvs_text.apply_thresholds(ipvs_text.parse_save(captured.read(save)),
                                      ipvs_text.parse_listing(captured.read(thresholds), 'thresholds'))


def test_captured_table_declared_as_returned_needs_no_change(kernel, capsys):
    kernel.table = captured_table()
    declared = [service.to_dict() for service in ipvs_model.sorted_services(kernel.table)]
    result = run_module(capsys, services=declared, purge=True, return_table=True)
    assert (result['changed'], result['commands']) == (False, [])
    assert result['services'] == declared


def test_captured_table_purged_to_one_service(kernel, capsys):
    kernel.table = captured_table()
    keep = ipvs_model.sorted_services(kernel.table)[0]
    result = run_module(capsys, services=[keep.to_dict()], purge=True)
    assert all(line.startswith('-D ') for line in result['commands'])
    assert len(result['commands']) == len(captured_table()) - 1
    assert list(kernel.table) == [keep.key]


# -- owned_file: what the module created, removed once no longer declared

STATIC = dict(name='static', address='10.10.0.100', port=81, scheduler='rr', real_servers=[dict(address='10.10.0.11')])
MARK = dict(name='mark', fwmark=10, scheduler='rr', real_servers=[dict(address='10.10.0.11', port=0)])
KEEPALIVED_OWNED = dict(address='10.10.0.100', port=80, scheduler='wrr', real_servers=[dict(address='10.10.0.12')])


@pytest.fixture
def owned(tmp_path):
    return tmp_path / 'ipvs-owned'


def recorded(path):
    return [line for line in path.read_text().splitlines() if not line.startswith('#')]


def keepalived_in(kernel):
    """A service keepalived created: in the kernel, never declared to the module."""
    kernel.table.update(ipvs_input.desired_state([KEEPALIVED_OWNED]).services)


def test_a_service_dropped_from_the_list_is_removed_on_the_next_run(kernel, capsys, owned):
    keepalived_in(kernel)
    first = run_module(capsys, services=[STATIC, MARK], owned_file=str(owned))
    assert first['changed'] is True and first['released'] == []
    assert recorded(owned) == ['-t 10.10.0.100:81', '-f 10']
    assert file_mode(owned) == 0o600

    second = run_module(capsys, services=[STATIC], owned_file=str(owned))
    assert second['commands'] == ['-D -f 10'] and second['released'] == ['-f 10']
    assert recorded(owned) == ['-t 10.10.0.100:81']
    assert sorted(ipvs_text.service_specs(kernel.table)) == ['-t 10.10.0.100:80', '-t 10.10.0.100:81']

    third = run_module(capsys, services=[STATIC], owned_file=str(owned))
    assert (third['changed'], third['commands'], third['released']) == (False, [], [])


def test_the_last_service_dropped_is_removed_too(kernel, capsys, owned):
    run_module(capsys, services=[STATIC], owned_file=str(owned))
    result = run_module(capsys, services=[], owned_file=str(owned))
    assert result['commands'] == ['-D -t 10.10.0.100:81']
    assert kernel.table == {} and recorded(owned) == []


def test_without_a_record_nothing_undeclared_is_removed_and_no_empty_record_is_made(kernel, capsys, owned):
    keepalived_in(kernel)
    result = run_module(capsys, services=[], owned_file=str(owned))
    assert (result['changed'], result['commands']) == (False, [])
    assert not owned.exists() and len(kernel.table) == 1


def test_check_mode_reports_the_release_and_changes_nothing(kernel, capsys, owned):
    run_module(capsys, services=[STATIC, MARK], owned_file=str(owned))
    before = owned.read_text()
    result = run_module(capsys, services=[STATIC], owned_file=str(owned), _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True and result['commands'] == ['-D -f 10'] and result['released'] == ['-f 10']
    assert '-A -f 10 -s rr' in result['diff']['before'] and '-f 10' not in result['diff']['after']
    assert owned.read_text() == before and len(kernel.table) == 2


def test_the_record_holds_new_services_even_when_the_batch_fails(kernel, capsys, owned):
    """A batch the kernel stops part-way may leave services behind: they are already recorded."""
    refused = dict(STATIC, name='refused', port=82, scheduler='twos')
    result = run_module(capsys, services=[STATIC, refused], owned_file=str(owned))
    assert result['failed'] is True
    assert recorded(owned) == ['-t 10.10.0.100:81', '-t 10.10.0.100:82']
    assert run_module(capsys, services=[], owned_file=str(owned))['commands'] == ['-D -t 10.10.0.100:81']
    assert kernel.table == {} and recorded(owned) == []


def test_release_only_removes_a_service_moving_to_keepalived_before_keepalived_reads_it(kernel, capsys, owned, tmp_path):
    rules = tmp_path / 'ipvsadm.rules'
    run_module(capsys, services=[STATIC, MARK], owned_file=str(owned), save=str(rules), save_scope='declared')
    new = dict(STATIC, name='new', port=82)
    result = run_module(capsys, services=[MARK, new], owned_file=str(owned), save=str(rules), release_only=True)
    assert result['commands'] == ['-D -t 10.10.0.100:81'] and result['released'] == ['-t 10.10.0.100:81']
    assert ipvs_text.service_specs(kernel.table) == ['-f 10']                 # nothing added: the new one waits
    assert recorded(owned) == ['-f 10']
    assert rules.read_text() == '-A -f 10 -s rr\n-a -f 10 -r 10.10.0.11:0 -g -w 1\n'

    keepalived_in(kernel)   # keepalived creates its service; the module's full run leaves it alone
    after = run_module(capsys, services=[MARK, new], owned_file=str(owned), save=str(rules), save_scope='declared')
    assert after['commands'] == ['-A -t 10.10.0.100:82 -s rr', '-a -t 10.10.0.100:82 -r 10.10.0.11:82 -g -w 1']
    assert recorded(owned) == ['-t 10.10.0.100:82', '-f 10']
    assert '10.10.0.100:80' in ' '.join(ipvs_text.service_specs(kernel.table))


def test_release_only_with_nothing_to_release_reads_no_table(kernel, capsys, owned):
    run_module(capsys, services=[STATIC], owned_file=str(owned))
    kernel.commands[:] = []
    result = run_module(capsys, services=[STATIC, MARK], owned_file=str(owned), release_only=True)
    assert (result['changed'], result['commands'], result['released']) == (False, [], [])
    assert kernel.commands == [] and recorded(owned) == ['-t 10.10.0.100:81']


def test_release_only_leaves_a_rules_file_without_released_services_as_it_is(kernel, capsys, owned, tmp_path):
    rules = tmp_path / 'ipvsadm.rules'
    rules.write_text(u'# saved by hand\n-A -t 10.10.0.100:80 -s wrr\n')
    run_module(capsys, services=[STATIC], owned_file=str(owned))
    result = run_module(capsys, services=[], owned_file=str(owned), save=str(rules), release_only=True)
    assert result['commands'] == ['-D -t 10.10.0.100:81']
    assert rules.read_text() == u'# saved by hand\n-A -t 10.10.0.100:80 -s wrr\n'


@pytest.mark.parametrize('args, message', [
    (dict(release_only=True), 'owned_file'),
    (dict(release_only=True, owned_file='/nonexistent/owned', purge=True), 'cannot be combined with purge'),
])
def test_release_only_needs_a_record_and_no_purge(kernel, capsys, args, message):
    result = run_module(capsys, services=[], **args)
    assert result['failed'] is True and message in result['msg']
    assert kernel.commands == []


def test_a_damaged_record_fails_naming_it_and_changes_nothing(kernel, capsys, owned):
    run_module(capsys, services=[STATIC], owned_file=str(owned))
    owned.write_text(u'-t 10.10.0.100:81 -s rr\n')
    result = run_module(capsys, services=[], owned_file=str(owned))
    assert result['failed'] is True and 'Cannot parse the owned-services record %s' % owned in result['msg']
    assert len(kernel.table) == 1
