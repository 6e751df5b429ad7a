# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.lvs.cluster.plugins.filter.field_errors import field_errors
from ansible_collections.lvs.cluster.plugins.filter.form_errors import FilterModule
from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import form_errors, is_form

GOOD = [
    ('ipv4', '10.44.0.100'), ('ipv4', '0.0.0.0'), ('ipv4', '255.255.255.255'),
    ('ipv4_netmask', '255.255.255.0'), ('ipv4_netmask', '255.255.255.255'), ('ipv4_netmask', '0.0.0.0'),
    ('ipv6', '2001:db8::1'), ('ipv6', '::1'),
    ('port', 80), ('port', '65535'), ('uint', 0), ('int', -100), ('int', '-5'),
    ('hex', 'ab01'), ('md5', 'a' * 32),
    ('identifier', 'web'), ('identifier', 'web-static_2.x'), ('identifier', 'lvs01'),
    ('interface', 'eth0'), ('interface', 'eth0:1'), ('interface', 'ens33'), ('interface', 'br-0.100'),
    ('hostname', 'mail.example.com'), ('hostname', '127.0.0.1'), ('hostname', 'lvs1'), ('hostname', 'a.example.'),
    ('email', 'keepalived@host1.example.com'), ('email', 'ops+lvs@example.com'),
    ('abs_path', '/'), ('abs_path', '/etc/lvs-cluster/drain'), ('abs_path', '/var/www/html/'), ('abs_path', '/srv/nfs/web'),
    ('url_path', '/'), ('url_path', '/node/'), ('url_path', '/health?x=1&y=2'),
    ('nfs_client', '10.44.0.0/24'), ('nfs_client', '*'), ('nfs_client', '*.example.com'), ('nfs_client', '@netgroup'),
    ('export_option_value', '65534'), ('export_option_value', 'sys:krb5'), ('export_option_value', '/srv/nfs@server'),
]

BAD = [
    ('ipv4', '10.44.0.100\n'), ('ipv4', '10.44.0.256'), ('ipv4', '010.1.1.1'), ('ipv4', ' 10.1.1.1'), ('ipv4', '1.2.3'),
    ('ipv4', 167772161), ('ipv4', None),
    ('ipv4_netmask', '255.0.255.0'), ('ipv4_netmask', '255.255.255.0\n'),
    ('ipv6', '::1%eth0'), ('ipv6', 'fe80::1\n'), ('ipv6', 'x::1'),
    ('port', 0), ('port', 65536), ('port', '80\n'), ('port', True), ('port', '80; x'), ('port', 80.5),
    ('uint', -1), ('int', '1 2'),
    ('hex', 'abc'), ('hex', 'ab\n'), ('md5', 'a' * 31), ('md5', 'a' * 32 + '\n'),
    ('identifier', 'web x'), ('identifier', 'wéb'), ('identifier', '-web'), ('identifier', 'a' * 254), ('identifier', 'web\n'),
    ('identifier', 'a"b'), ('identifier', 'a}b'),
    ('interface', 'eth0;reboot'), ('interface', 'a' * 16), ('interface', 'eth0\n'), ('interface', 'eth/0'),
    ('hostname', 'mail example'), ('hostname', 'a..b'), ('hostname', '-a.com'), ('hostname', 'a_b.com'), ('hostname', 'x\n'),
    ('email', 'a@b c'), ('email', 'a b@c'), ('email', 'a@b.c\n'),
    ('abs_path', 'etc/x'), ('abs_path', '/etc/../x'), ('abs_path', '/etc/x y'), ('abs_path', '/etc/"x'), ('abs_path', "/etc/'x"),
    ('abs_path', '/etc/x;'), ('abs_path', '/etc/{x}'), ('abs_path', '/etc/x\n'), ('abs_path', '/etc/$(x)'), ('abs_path', '/..'),
    ('url_path', 'x'), ('url_path', '/a b'), ('url_path', '/a"b'), ('url_path', '/a\\b'), ('url_path', '/a#b'), ('url_path', '/a\n'),
    ('nfs_client', 'a(rw)'), ('nfs_client', 'a b'), ('nfs_client', 'a,b'), ('nfs_client', ''),
    ('export_option_value', '0,rw'), ('export_option_value', 'sys)'), ('export_option_value', 'ü'), ('export_option_value', ''),
]


@pytest.mark.parametrize('form, value', GOOD)
def test_values_of_the_form_pass(form, value):
    assert is_form(value, form)


@pytest.mark.parametrize('form, value', BAD)
def test_values_not_of_the_form_fail(form, value):
    assert not is_form(value, form)


def test_form_errors_names_the_variable_and_shows_the_value():
    assert form_errors([['10.1.1.1\n', 'ipv4', 'lvs_vips[0].address']]) == [
        "lvs_vips[0].address: '10.1.1.1\\n' is not an IPv4 address"]


def test_form_errors_masks_a_secret():
    (message,) = form_errors([['pass word', 'identifier', 'x.auth_pass', 'secret']])
    assert 'pass word' not in message and '********' in message


def test_form_errors_passes_unset_values():
    assert form_errors([[None, 'ipv4', 'x'], ['10.1.1.1', 'ipv4', 'y']]) == []


def test_field_errors_formats_the_name_from_each_item():
    items = [{'host': 'rs1', 'address': '10.1.1.1'}, {'host': 'rs2', 'address': '../x'}]
    assert field_errors(items, 'ipv4', 'real server {host} [{index}]', 'address') == [
        "real server rs2 [1]: '../x' is not an IPv4 address"]
    assert field_errors(['eth0', 'eth 1'], 'interface', 'track_interfaces[{index}]') == [
        "track_interfaces[1]: 'eth 1' is not an interface name (15 characters at most: letters, digits, _ . : -)"]


def test_unknown_form_is_an_error():
    with pytest.raises(ValueError, match="unknown form 'color'"):
        is_form('x', 'color')
    with pytest.raises(AnsibleFilterError, match="unknown form 'color'"):
        FilterModule().filters()['form_errors']([['x', 'color', 'name']])


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {'form_errors'}
