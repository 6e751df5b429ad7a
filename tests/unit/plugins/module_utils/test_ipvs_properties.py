# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Properties of parse, render and diff over generated tables."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from hypothesis import given, settings, strategies as st

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_model, ipvs_plan, ipvs_text
from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel

FAMILIES = ('ipv4', 'ipv6')


def addresses(family):
    """Addresses in the form ipvsadm prints (inet_ntop: IPv4-mapped IPv6 shows a dotted quad)."""
    if family == 'ipv4':
        return st.integers(1, 2 ** 32 - 1).map(lambda n: str(ipaddress.IPv4Address(n)))
    return st.integers(1, 2 ** 128 - 1).map(lambda n: ipvs_model.canonical_address(str(ipaddress.IPv6Address(n))))


def unicast_addresses(family):
    """Addresses the kernel takes as real servers (test_ipvs_validation checks the others are refused)."""
    return addresses(family).filter(lambda address: ipvs_model.not_unicast(address) is None)


@st.composite
def service_keys(draw):
    family = draw(st.sampled_from(FAMILIES))
    if draw(st.booleans()):
        return ipvs_model.service_key(None, fwmark=draw(st.integers(1, ipvs_model.MAX_FWMARK)), family=family)
    return ipvs_model.service_key(draw(st.sampled_from(sorted(ipvs_model.PROTOCOL_OPTIONS))), draw(addresses(family)),
                                  draw(st.integers(0, 65535)))


@st.composite
def real_servers(draw, key):
    forwarding = draw(st.sampled_from(sorted(ipvs_model.FORWARDING_OPTIONS)))
    family = draw(st.sampled_from(FAMILIES)) if forwarding == 'tun' else key.family
    if key.fwmark or forwarding == 'nat':
        port = draw(st.integers(0, 65535))
    else:
        port = key.port
    upper = draw(st.integers(0, ipvs_model.MAX_THRESHOLD))
    tunnel_type = draw(st.sampled_from(ipvs_model.TUNNEL_TYPES))
    return ipvs_model.RealServer(
        draw(unicast_addresses(family)), port, forwarding=forwarding, weight=draw(st.integers(0, 65535)),
        upper_threshold=upper, lower_threshold=draw(st.integers(0, upper)), tunnel_type=tunnel_type,
        tunnel_port=draw(st.integers(1, 65535)),
        tunnel_checksum=draw(st.sampled_from(ipvs_model.TUNNEL_TYPE_CHECKSUMS[tunnel_type] or (None,))))


@st.composite
def services(draw, key=None):
    key = key or draw(service_keys())
    scheduler = draw(st.sampled_from(ipvs_model.SCHEDULERS))
    timeout = draw(st.none() | st.integers(1, ipvs_model.MAX_PERSISTENCE_TIMEOUT))
    if key.port == 0:
        timeout = timeout or ipvs_model.DEFAULT_PERSISTENCE_TIMEOUT  # port 0 means any port, which needs persistence
    prefix = draw(st.integers(1, 128 if key.family == 'ipv6' else 32))
    servers = draw(st.lists(real_servers(key), max_size=4, unique_by=lambda rs: rs.key))
    return ipvs_model.Service(
        key, scheduler=scheduler,
        scheduler_flags=ipvs_model.canonical_scheduler_flags(
            scheduler, draw(st.lists(st.sampled_from(ipvs_model.scheduler_flag_names(scheduler)), unique=True))),
        persistence_timeout=timeout, persistence_netmask=ipvs_model.canonical_netmask(prefix, key.family),
        persistence_engine=draw(st.sampled_from((None,) + ipvs_model.PERSISTENCE_ENGINES)),
        one_packet=draw(st.booleans()) if key.fwmark or key.protocol == 'udp' else False, real_servers=servers)


tables = st.lists(services(), max_size=6, unique_by=lambda service: service.key).map(
    lambda items: dict((service.key, service) for service in items))


@st.composite
def table_pairs(draw):
    """Two tables sharing some services, so that diffs include edits."""
    before = draw(tables)
    after = draw(tables)
    for key in draw(st.lists(st.sampled_from(sorted(before, key=ipvs_model.service_label)), unique=True)) if before else []:
        after[key] = draw(services(key))
    return before, after


@settings(max_examples=200, deadline=None)
@given(tables)
def test_parse_of_render_is_identity(table):
    assert ipvs_text.parse_save('\n'.join(ipvs_text.render_save(table))) == table


@settings(max_examples=200, deadline=None)
@given(tables)
def test_a_table_does_not_differ_from_itself(table):
    assert ipvs_plan.render_plan(ipvs_plan.diff_tables(table, table)) == []


@settings(max_examples=300, deadline=None)
@given(table_pairs())
def test_applying_the_diff_turns_one_table_into_the_other(pair):
    before, after = pair
    kernel = FakeKernel(before, schedulers=ipvs_model.SCHEDULERS)
    assert kernel.restore('\n'.join(ipvs_plan.render_plan(ipvs_plan.diff_tables(before, after)))) == (0, '')
    assert kernel.table == after


@settings(max_examples=200, deadline=None)
@given(tables)
def test_returned_services_are_valid_input_for_the_same_table(table):
    returned = [service.to_dict() for service in ipvs_model.sorted_services(table)]
    assert ipvs_input.desired_state(returned).services == table


@settings(max_examples=100, deadline=None)
@given(table_pairs(), st.booleans())
def test_converging_twice_changes_nothing_the_second_time(pair, purge):
    current, declared = pair
    desired = ipvs_input.desired_state([service.to_dict() for service in ipvs_model.sorted_services(declared)])
    target = ipvs_plan.target_table(current, desired, purge)
    assert ipvs_plan.render_plan(ipvs_plan.diff_tables(target, ipvs_plan.target_table(target, desired, purge))) == []
