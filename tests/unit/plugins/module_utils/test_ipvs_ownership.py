# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a run removes given what an earlier one recorded as owned (ipvs_plan.ownership and the record's format).

The kernel's table is the captured save.txt (tcp, udp, sctp, IPv6 and fwmark
services); some of its services play the module's, others keepalived's or an
operator's.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_model, ipvs_plan, ipvs_text
from ansible_collections.lvs.cluster.tests.unit.plugins.module_utils import captured


@pytest.fixture(scope='module')
def kernel():
    path = os.path.join(captured.FIXTURE_DIR, 'save.txt')
    if not os.path.exists(path):
        pytest.skip('no save.txt capture')
    return ipvs_text.parse_save(captured.read(path))


def key(spec):
    return ipvs_text.parse_service_spec(spec)


def declared(kernel, *specs):
    """The desired state that declares these services of the kernel's table as they are."""
    return ipvs_input.desired_state([kernel[key(spec)].to_dict() for spec in specs])


def removed(kernel, run):
    """The services a run's batch deletes from the kernel's table."""
    plan = ipvs_plan.diff_tables(kernel, ipvs_plan.target_table(kernel, run, False))
    return set(ipvs_text.service_specs(service.key for service in plan.delete_services))


MODULE_A, MODULE_B = '-t 10.20.0.1:80', '-u 10.20.0.53:53'
FWMARK, FWMARK_V6, SCTP, IPV6 = '-f 10', '-f 11 -6', '--sctp-service 10.20.0.55:3868', '-t [fd00:20::1]:80'
KEEPALIVED = '-t 10.20.0.2:80'


def test_every_captured_service_round_trips_through_the_record(kernel):
    text = ipvs_text.render_owned(kernel)
    assert text.startswith('#')
    assert ipvs_text.parse_owned(text) == set(kernel)
    assert [line for line in text.splitlines() if not line.startswith('#')] == ipvs_text.service_specs(kernel)
    assert {FWMARK, FWMARK_V6, SCTP, IPV6} <= set(ipvs_text.service_specs(kernel))


def test_an_empty_record_owns_nothing():
    assert ipvs_text.parse_owned(ipvs_text.render_owned(set())) == set()
    assert ipvs_text.parse_owned('') == set()


@pytest.mark.parametrize('line', ['-t 10.20.0.256:80', '-t 10.20.0.1:80 -s rr', '-x 10.20.0.1:80', '-f 0', 'garbage'])
def test_a_damaged_record_is_refused_naming_the_line(line):
    with pytest.raises(ipvs_model.ParseError) as caught:
        ipvs_text.parse_owned(ipvs_text.OWNED_HEADER + line + '\n')
    assert repr(line) in str(caught.value)


def test_a_service_no_longer_declared_is_removed_and_forgotten(kernel):
    owned = {key(MODULE_A), key(MODULE_B), key(FWMARK)}
    result = ipvs_plan.ownership(owned, declared(kernel, MODULE_A))
    assert set(ipvs_text.service_specs(result.released)) == {MODULE_B, FWMARK}
    assert removed(kernel, result.desired) == {MODULE_B, FWMARK}
    assert result.after == {key(MODULE_A)}


def test_services_it_never_created_stay(kernel):
    """keepalived's and an operator's services are in the kernel but were never recorded."""
    result = ipvs_plan.ownership({key(MODULE_A)}, declared(kernel))
    assert removed(kernel, result.desired) == {MODULE_A}
    assert key(KEEPALIVED) in ipvs_plan.target_table(kernel, result.desired, False)
    assert len(ipvs_plan.target_table(kernel, result.desired, False)) == len(kernel) - 1


def test_nothing_recorded_removes_nothing(kernel):
    result = ipvs_plan.ownership(set(), declared(kernel))
    assert (result.released, result.after, removed(kernel, result.desired)) == (set(), set(), set())


def test_a_recorded_service_already_gone_is_only_forgotten(kernel):
    gone = ipvs_model.service_key('tcp', '10.99.0.1', 80)
    result = ipvs_plan.ownership({gone, key(MODULE_A)}, declared(kernel, MODULE_A))
    assert result.released == {gone}
    assert removed(kernel, result.desired) == set() and result.after == {key(MODULE_A)}


def test_a_service_declared_absent_is_released_too(kernel):
    desired = ipvs_input.desired_state([dict(kernel[key(MODULE_A)].to_dict(), state='absent')])
    result = ipvs_plan.ownership({key(MODULE_A)}, desired)
    assert removed(kernel, result.desired) == {MODULE_A} and result.after == set()


def test_new_services_are_recorded_before_the_batch_that_creates_them(kernel):
    new = dict(address='10.20.9.1', port=80, real_servers=[dict(address='10.20.1.1')])
    desired = ipvs_input.desired_state([kernel[key(MODULE_A)].to_dict(), new])
    result = ipvs_plan.ownership({key(MODULE_A), key(MODULE_B)}, desired)
    new_key = ipvs_model.service_key('tcp', '10.20.9.1', 80)
    assert result.during == {key(MODULE_A), key(MODULE_B), new_key}   # what the batch may leave behind
    assert result.after == {key(MODULE_A), new_key}


def test_release_only_removes_a_service_moving_to_keepalived_and_nothing_else(kernel):
    """MODULE_B moves to keepalived: the module no longer declares it and must remove it before keepalived
    reads it; a new service and changed settings wait for the run after keepalived's reload."""
    changed_a = dict(kernel[key(MODULE_A)].to_dict(), scheduler='lc')
    new = dict(address='10.20.9.1', port=80, real_servers=[dict(address='10.20.1.1')])
    result = ipvs_plan.ownership({key(MODULE_A), key(MODULE_B)}, ipvs_input.desired_state([changed_a, new]), release_only=True)
    target = ipvs_plan.target_table(kernel, result.desired, False)
    assert ipvs_plan.render_plan(ipvs_plan.diff_tables(kernel, target)) == ['-D ' + MODULE_B]
    assert result.after == {key(MODULE_A)}       # the new service is not the module's yet
    assert result.during == {key(MODULE_A), key(MODULE_B)}


def test_after_release_only_the_full_run_leaves_the_moved_service_to_keepalived(kernel):
    """Once keepalived has created MODULE_B again, the module's own run does not touch it."""
    owned = ipvs_plan.ownership({key(MODULE_A), key(MODULE_B)}, declared(kernel, MODULE_A), release_only=True).after
    result = ipvs_plan.ownership(owned, declared(kernel, MODULE_A))
    assert result.released == set() and removed(kernel, result.desired) == set()
    assert key(MODULE_B) in ipvs_plan.target_table(kernel, result.desired, False)


def test_a_service_moving_from_keepalived_is_recorded_once_the_module_manages_it(kernel):
    result = ipvs_plan.ownership({key(MODULE_A)}, declared(kernel, MODULE_A, KEEPALIVED))
    assert result.released == set() and result.after == {key(MODULE_A), key(KEEPALIVED)}
    assert ipvs_plan.ownership({key(MODULE_A)}, declared(kernel, MODULE_A, KEEPALIVED), release_only=True).after == {key(MODULE_A)}
