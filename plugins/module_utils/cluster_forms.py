# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The closed forms a value of the variable tree must have before it is written
into a file or onto a command line as it is, and the messages naming the
variable (secrets masked). Pure; the filters form_errors and field_errors and
the cluster model use it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

_OCTET = r'(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
_LABEL = r'[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?'

# Newline, tab and the other characters no configuration file may take raw.
CONTROL = re.compile(r'[\x00-\x1f\x7f]')

# Matched with fullmatch, not `$`: `$` also matches before a final newline.
_PATTERNS = {
    'ipv4': _OCTET + r'([.]' + _OCTET + r'){3}',
    'hex': r'([0-9a-fA-F]{2})+',
    'md5': r'[0-9a-fA-F]{32}',
    'identifier': r'[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}',
    # Linux interface names are at most 15 bytes; ':' for address labels (eth0:1).
    'interface': r'[A-Za-z0-9_][A-Za-z0-9_.:-]{0,14}',
    'hostname': r'(?=.{1,253}\Z)' + _LABEL + r'([.]' + _LABEL + r')*[.]?',
    'email': r'[A-Za-z0-9._%+-]{1,64}@' + _LABEL + r'([.]' + _LABEL + r')*',
    'abs_path': r'(/[A-Za-z0-9_.@+,=:~-]+)+/?|/',
    # RFC 3986 path and query characters, no blanks, quotes or backslashes.
    'url_path': r"/[A-Za-z0-9._~!$&()*+,;=:@%/?-]*",
    # exports(5) client: host, wildcard, network, @netgroup, *.
    'nfs_client': r'[A-Za-z0-9_.*?@:/-]{1,255}',
    # exports(5) option values have no quoting: they end at ',' or ')'.
    'export_option_value': r'[A-Za-z0-9_.:/@+-]{1,255}',
    # FRR reads a line as blank-separated words and cuts it at '!' or '#';
    # TCP MD5 keys are 80 bytes at most (Linux TCP_MD5SIG_MAXKEYLEN).
    'bgp_password': r'[A-Za-z0-9_.,:;@%+=^~/*-]{1,80}',
}

# The community names FRR's `set community` accepts besides N:N.
BGP_WELL_KNOWN_COMMUNITIES = ('graceful-shutdown', 'accept-own', 'route-filter-translated-v4', 'route-filter-v4',
                              'route-filter-translated-v6', 'route-filter-v6', 'llgr-stale', 'no-llgr',
                              'accept-own-nexthop', 'blackhole', 'no-export', 'no-advertise', 'local-AS', 'no-peer')

_DESCRIPTIONS = {
    'ipv4': 'an IPv4 address',
    'ipv4_netmask': 'an IPv4 netmask such as 255.255.255.0',
    'ipv6': 'an IPv6 address',
    'ip': 'an IPv4 or IPv6 address',
    'port': 'a port 1-65535',
    'int': 'a whole number',
    'uint': 'a whole number 0 or more',
    'hex': 'pairs of hex digits',
    'md5': 'the 32 hex digits of an MD5 sum',
    'identifier': 'a name of letters, digits and _ . - (not starting with . or -)',
    'interface': 'an interface name (15 characters at most: letters, digits, _ . : -)',
    'hostname': 'a host name or IPv4 address',
    'email': 'an e-mail address',
    'abs_path': 'an absolute path of letters, digits and _ . @ + , = : ~ - (no blanks, quotes or .. segment)',
    'url_path': 'a URL path starting with / (no blanks, quotes or backslashes)',
    'nfs_client': 'a host, network, wildcard, @netgroup or * (no blanks, commas or parentheses)',
    'export_option_value': 'an export option value of letters, digits and _ . : / @ + -',
    'asn': 'an AS number 1-4294967295',
    'bgp_community': 'a BGP community N:N (two numbers 0-65535) or a well-known name (%s)' % ', '.join(BGP_WELL_KNOWN_COMMUNITIES),
    'bfd_interval': 'a BFD interval 10-60000 (milliseconds)',
    'milliseconds': 'a time of 10-60000 milliseconds',
    'bfd_multiplier': 'a BFD detect multiplier 2-255',
    'bgp_password': 'a BGP password of 1-80 letters, digits and _ . , : ; @ % + = ^ ~ / * - (no blanks, quotes, ! or #)',
}


def _matches(form, value):
    return isinstance(value, str) and re.fullmatch(_PATTERNS[form], value) is not None


def _is_int_in(value, low, high):
    if isinstance(value, bool):
        return False
    if isinstance(value, str) and re.fullmatch(r'-?[0-9]{1,10}', value):
        value = int(value)
    return isinstance(value, int) and low <= value <= high


def _is_netmask(value):
    if not _matches('ipv4', value):
        return False
    bits = int(ipaddress.IPv4Address(value))
    inverted = ~bits & 0xFFFFFFFF
    return inverted & (inverted + 1) == 0   # ones, then only zeros


def _is_ipv6(value):
    if not isinstance(value, str) or not re.fullmatch(r'[0-9A-Fa-f:.]{2,45}', value):
        return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _is_abs_path(value):
    return _matches('abs_path', value) and '..' not in value.split('/')


def _is_community(value):
    if value in BGP_WELL_KNOWN_COMMUNITIES:
        return True
    parts = value.split(':') if isinstance(value, str) else []
    return len(parts) == 2 and all(_is_int_in(part, 0, 65535) and not part.startswith('-') for part in parts)


def ip_version(value):
    """4 or 6 for an IPv4 or IPv6 address of its closed form, else None."""
    if _matches('ipv4', value):
        return 4
    return 6 if _is_ipv6(value) else None


_CHECKS = {
    'ipv4_netmask': _is_netmask,
    'ipv6': _is_ipv6,
    'ip': lambda value: ip_version(value) is not None,
    'port': lambda value: _is_int_in(value, 1, 65535),
    'uint': lambda value: _is_int_in(value, 0, 4294967295),
    'int': lambda value: _is_int_in(value, -2147483648, 2147483647),
    'abs_path': _is_abs_path,
    'asn': lambda value: _is_int_in(value, 1, 4294967295),
    'bgp_community': _is_community,
    'bfd_interval': lambda value: _is_int_in(value, 10, 60000),
    'milliseconds': lambda value: _is_int_in(value, 10, 60000),
    'bfd_multiplier': lambda value: _is_int_in(value, 2, 255),
}


def is_form(value, form):
    """True when value is of the named closed form."""
    if form in _CHECKS:
        return _CHECKS[form](value)
    if form in _PATTERNS:
        return _matches(form, value)
    raise ValueError('form_errors: unknown form %r' % (form,))


def message(name, value, form, secret=False):
    """The message of a value not of its form: the variable, the value (or a mask), the form."""
    shown = '********' if secret else repr(value)
    return '%s: %s is not %s' % (name, shown, _DESCRIPTIONS[form])


def form_errors(checks):
    """One message per [value, form, name(, 'secret')] whose value is not of its form."""
    return [message(c[2], c[0], c[1], list(c[3:]) == ['secret'])
            for c in checks if c[0] is not None and not is_form(c[0], c[1])]


def keepalived_quotable(value):
    """Why value cannot be one keepalived word of a line read without escapes ('' if it can)."""
    value = str(value)
    if '"' in value:
        return 'contains a double quote'
    if CONTROL.search(value):
        return 'contains a control character (newline, tab, ...)'
    if value.endswith('\\'):
        return 'ends with a backslash'
    return ''


def field_errors(items, form, name, field=None):
    """One message per item (or item[field]) not of form; name is formatted with the
    item's fields and {index}."""
    errors = []
    for index, item in enumerate(items):
        value = item if field is None else item.get(field)
        if not is_form(value, form):
            fields = dict(item) if isinstance(item, dict) else {}
            fields['index'] = index
            errors.append(message(name.format(**fields), value, form))
    return errors
