# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The model against ipvsadm output captured from the lab kernel."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_model, ipvs_plan, ipvs_text
from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel
from ansible_collections.lvs.cluster.tests.unit.plugins.module_utils import captured

SAVES = captured.params(captured.save_files(), 'ipvsadm -S -n output')
LISTINGS = captured.params(captured.listing_files(), 'ipvsadm -L -n output')
COUNTERS = captured.params([path for path in captured.listing_files()
                            if captured.listing_kind(captured.read(path)) in ('stats', 'rate')],
                           'ipvsadm -L -n --stats or --rate output')
FORWARDING_NAMES = {'Route': 'dr', 'Masq': 'nat', 'Tunnel': 'tun'}


def kernel_lines(text):
    """The kernel's lines with whitespace normalised.

    ipvsadm 1.31 prints a bare ``-b`` for an sh/mh service whose only flag is
    flag-3 (seen on the lab kernel); the model can not represent that bit, so
    the bare option is the one thing dropped before comparing.
    """
    lines = set()
    for line in text.splitlines():
        words = line.split()
        if words and words[-1] == '-b':
            words.pop()
        if words:
            lines.add(' '.join(words))
    return lines


def parsed_save(path):
    return ipvs_text.parse_save(captured.read(path))


@pytest.mark.parametrize('path', SAVES)
def test_render_reproduces_the_kernels_lines(path):
    text = captured.read(path)
    assert set(ipvs_text.render_save(ipvs_text.parse_save(text))) == kernel_lines(text)


@pytest.mark.parametrize('path', SAVES)
def test_parse_of_render_is_identity(path):
    table = parsed_save(path)
    assert ipvs_text.parse_save('\n'.join(ipvs_text.render_save(table))) == table


@pytest.mark.parametrize('path', SAVES)
def test_table_does_not_differ_from_itself(path):
    table = parsed_save(path)
    assert ipvs_plan.render_plan(ipvs_plan.diff_tables(table, parsed_save(path))) == []


@pytest.mark.parametrize('path', LISTINGS)
def test_listing_parses_every_line(path):
    text = captured.read(path)
    kind = captured.listing_kind(text)
    if kind is None:
        pytest.skip('listing variant the model does not parse: %s' % text.splitlines()[1].strip())
    listing = ipvs_text.parse_listing(text, kind)
    body = text.splitlines()[3:]
    real_server_lines = [line for line in body if line.split()[:1] == ['->']]
    service_lines = [line for line in body if line.strip() and line.split()[:1] != ['->']]
    assert len(listing) == len(service_lines)
    assert sum(len(servers) for dummy, servers in listing.values()) == len(real_server_lines)
    if kind in ('stats', 'rate'):
        assert all(len(values) == 5 for values, dummy in listing.values())


@pytest.mark.parametrize('path', LISTINGS)
def test_listing_matches_save_of_same_table(path):
    text = captured.read(path)
    kind = captured.listing_kind(text)
    save = captured.sibling_save(path)
    if kind is None or save is None:
        pytest.skip('no single save capture next to this listing, or a listing variant the model does not parse')
    table, listing = parsed_save(save), ipvs_text.parse_listing(text, kind)
    assert set(listing) == set(table)
    for key, (dummy, servers) in listing.items():
        assert set(servers) == set(table[key].real_servers)
        if kind == 'list':
            for rs_key, columns in servers.items():
                real_server = table[key].real_servers[rs_key]
                assert FORWARDING_NAMES[columns['forwarding_name']] == real_server.forwarding
                assert columns['weight'] == real_server.weight


def loaded_rules():
    """The rules capture.sh loaded (one ipvsadm command per line), if present."""
    if not os.path.exists(captured.LOADED_RULES):
        pytest.skip('no %s (the rules the capture loaded)' % captured.LOADED_RULES)
    with open(captured.LOADED_RULES) as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith('#')]


@pytest.mark.parametrize('path', SAVES)
def test_rules_we_loaded_are_what_the_kernel_reports(path):
    """The model's reading of the loaded commands equals the kernel's -S plus --thresholds."""
    thresholds = captured.thresholds_listing(os.path.dirname(path))
    if thresholds is None:
        pytest.skip('no --thresholds capture next to %s' % path)
    kernel = FakeKernel(schedulers=ipvs_model.SCHEDULERS)
    assert kernel.restore('\n'.join(loaded_rules())) == (0, '')
    reported = ipvs_text.apply_thresholds(parsed_save(path), ipvs_text.parse_listing(captured.read(thresholds), 'thresholds'))
    assert reported == kernel.table


@pytest.mark.parametrize('path', SAVES)
def test_fake_kernel_saves_like_the_real_one(path):
    """The unit tests' fake kernel leaves thresholds out of -S exactly as the captured kernel did."""
    thresholds = captured.thresholds_listing(os.path.dirname(path))
    if thresholds is None:
        pytest.skip('no --thresholds capture next to %s' % path)
    table = ipvs_text.apply_thresholds(parsed_save(path), ipvs_text.parse_listing(captured.read(thresholds), 'thresholds'))
    assert kernel_lines(FakeKernel(table).save()) == kernel_lines(captured.read(path))


@pytest.mark.parametrize('path', COUNTERS)
def test_counters_of_a_service_with_one_server_add_up(path):
    text = captured.read(path)
    listing = ipvs_text.parse_listing(text, captured.listing_kind(text))
    single = [(values, list(servers.values())[0]) for values, servers in listing.values() if len(servers) == 1]
    assert single, 'capture has no service with exactly one real server'
    assert all(values == server for values, server in single)


# -- diffs built from captured tables


def services_with_servers(table):
    return [service for service in ipvs_model.sorted_services(table) if service.real_servers]


def converge_on_fake_kernel(current, target):
    """Render the plan, apply it like ipvsadm -R would, and return (lines, resulting table)."""
    lines = ipvs_plan.render_plan(ipvs_plan.diff_tables(current, target))
    kernel = FakeKernel(current, schedulers=ipvs_model.SCHEDULERS)
    rc, err = kernel.restore('\n'.join(lines))
    assert (rc, err) == (0, '')
    return lines, kernel.table


def with_service(table, service):
    result = dict(table)
    result[service.key] = service
    return result


@pytest.mark.parametrize('path', SAVES)
def test_weight_change_is_one_edit_per_server(path):
    current = parsed_save(path)
    target = dict(current)
    changed = services_with_servers(current)
    for service in changed:
        real_server = ipvs_model.sorted_real_servers(service)[0]
        fields = real_server.to_dict()
        fields['weight'] = (real_server.weight + 1) % 65536
        target[service.key] = service.copy(real_servers=list(service.real_servers.values()) + [ipvs_model.RealServer(**fields)])
    lines, result = converge_on_fake_kernel(current, target)
    assert len(lines) == len(changed)
    assert all(line.startswith('-e ') for line in lines)
    assert result == target


@pytest.mark.parametrize('path', SAVES)
def test_removed_service_is_one_delete_without_server_deletes(path):
    current = parsed_save(path)
    gone = ipvs_model.sorted_services(current)[0]
    target = dict((key, service) for key, service in current.items() if key != gone.key)
    lines, result = converge_on_fake_kernel(current, target)
    assert lines == ['-D %s' % ipvs_text.render_service_spec(gone.key)]
    assert result == target


@pytest.mark.parametrize('path', SAVES)
def test_new_service_comes_before_its_servers_and_deletes_come_last(path):
    current = parsed_save(path)
    template = (services_with_servers(current) or [None])[0]
    if template is None:
        pytest.skip('capture has no service with real servers')
    key = template.key
    new_key = key._replace(fwmark=key.fwmark + 1) if key.fwmark else key._replace(port=(key.port + 1) % 65536)
    while new_key in current:
        new_key = new_key._replace(fwmark=new_key.fwmark + 1) if key.fwmark else new_key._replace(port=new_key.port + 1)
    clone = ipvs_model.Service(new_key, real_servers=[ipvs_model.RealServer(**dict(rs.to_dict(), port=new_key.port or rs.port))
                                                      for rs in template.real_servers.values()])
    dropped = ipvs_model.sorted_real_servers(template)[0]
    shrunk = template.copy(real_servers=[rs for rs in template.real_servers.values() if rs.key != dropped.key])
    target = with_service(with_service(current, clone), shrunk)
    lines, result = converge_on_fake_kernel(current, target)
    commands = [line.split()[0] for line in lines]
    assert commands == ['-A'] + ['-a'] * len(clone.real_servers) + ['-d']
    assert lines[0].startswith('-A %s ' % ipvs_text.render_service_spec(new_key))
    assert result == target


@pytest.mark.parametrize('path', SAVES)
def test_forwarding_change_is_an_edit(path):
    current = parsed_save(path)
    candidates = [(service, rs) for service in services_with_servers(current) for rs in ipvs_model.sorted_real_servers(service)
                  if rs.forwarding in ('dr', 'nat') and (service.key.fwmark or rs.port == service.key.port)]
    if not candidates:
        pytest.skip('capture has no dr or nat real server on the service port')
    service, real_server = candidates[0]
    fields = dict(real_server.to_dict(), forwarding='nat' if real_server.forwarding == 'dr' else 'dr')
    target = with_service(current, service.copy(real_servers=list(service.real_servers.values()) + [ipvs_model.RealServer(**fields)]))
    lines, result = converge_on_fake_kernel(current, target)
    assert len(lines) == 1 and lines[0].startswith('-e ')
    assert result == target
