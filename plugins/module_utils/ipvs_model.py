# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IPVS table as data: services, real servers, their keys and addresses.

The types the other ipvs_* files pass around (Service, RealServer,
ServiceKey, DesiredState, the errors), the kernel's defaults and limits, and
the address, key and ordering helpers that make two readings of one table
compare equal.  The bottom layer: ipvs_text, ipvs_plan and ipvs_input build
on it and it imports none of them.  No I/O and no Ansible imports, so the
modules and the unit tests share exactly this code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import ipaddress
import operator
import socket
from collections import namedtuple

# Defaults ipvsadm fills in when given no value.  The persistence timeout of
# a bare ``-p`` is 360 s with ipvsadm 1.31 (Debian 12), seen on the lab kernel.
DEFAULT_SCHEDULER = 'wlc'
DEFAULT_WEIGHT = 1
DEFAULT_PERSISTENCE_TIMEOUT = 360
MAX_PERSISTENCE_TIMEOUT = 86400 * 31
# The kernel stores a fwmark in 32 bits, but ipvsadm prints it with %d
# (ipvsadm.c print_service_entry), so one above INT_MAX is saved as a negative
# number that neither ipvsadm -R (parse_fwmark) nor this model reads back.
MAX_FWMARK = 2147483647
# ipvsadm parses -x and -y with string_to_number(optarg, 0, INT_MAX).
MAX_THRESHOLD = 2147483647

PROTOCOL_OPTIONS = {'tcp': '-t', 'udp': '-u', 'sctp': '--sctp-service'}
SCHEDULERS = ('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos')
PERSISTENCE_ENGINES = ('sip',)
FORWARDING_OPTIONS = {'dr': '-g', 'nat': '-m', 'tun': '-i'}
FORWARDING_ALIASES = {
    'dr': 'dr', 'route': 'dr', 'g': 'dr', 'gatewaying': 'dr',
    'nat': 'nat', 'masq': 'nat', 'm': 'nat', 'masquerading': 'nat',
    'tun': 'tun', 'ipip': 'tun', 'i': 'tun',
}
TUNNEL_TYPES = ('ipip', 'gue', 'gre')
TUNNEL_CHECKSUMS = ('nocsum', 'csum', 'remcsum')
# Checksum options each tunnel type accepts (ipvsadm's tunnel_types_v_options).
TUNNEL_TYPE_CHECKSUMS = {'ipip': (), 'gue': TUNNEL_CHECKSUMS, 'gre': ('nocsum', 'csum')}

# The kernel stores three scheduler flag bits; ipvsadm names them after the
# scheduler that gives them a meaning and accepts the generic names too.  For
# sh and mh, ipvsadm 1.31 never prints flag-3 (it shows ``-b `` with nothing),
# so that bit can not be verified and is not offered there.
_GENERIC_FLAGS = ('flag-1', 'flag-2', 'flag-3')
_SCHEDULER_FLAG_NAMES = {
    'sh': ('sh-fallback', 'sh-port'),
    'mh': ('mh-fallback', 'mh-port'),
}


class IPVSError(Exception):
    """Base class of the errors this model raises."""


class ParseError(IPVSError):
    """ipvsadm output (or a rules file) this model cannot read."""


class ValidationError(IPVSError):
    """Desired input that is wrong; ``errors`` lists one message per problem."""

    def __init__(self, errors):
        super(ValidationError, self).__init__('; '.join(errors))
        self.errors = list(errors)


ServiceKey = namedtuple('ServiceKey', ['protocol', 'address', 'port', 'fwmark', 'family'])


class RealServer(object):
    """One destination of a virtual service, with kernel defaults filled in."""

    __slots__ = ('address', 'port', 'forwarding', 'weight', 'upper_threshold', 'lower_threshold',
                 'tunnel_type', 'tunnel_port', 'tunnel_checksum')

    def __init__(self, address, port, forwarding='dr', weight=DEFAULT_WEIGHT, upper_threshold=0,
                 lower_threshold=0, tunnel_type=None, tunnel_port=None, tunnel_checksum=None):
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.upper_threshold = upper_threshold
        self.lower_threshold = lower_threshold
        # Tunnel settings only exist for tun; ipvsadm shows ipip when none was chosen.
        if forwarding == 'tun':
            self.tunnel_type = tunnel_type or 'ipip'
            self.tunnel_port = tunnel_port if self.tunnel_type == 'gue' else None
            self.tunnel_checksum = (tunnel_checksum or 'nocsum') if self.tunnel_type != 'ipip' else None
        else:
            self.tunnel_type, self.tunnel_port, self.tunnel_checksum = None, None, None

    @property
    def key(self):
        return (self.address, self.port)

    def __eq__(self, other):
        return isinstance(other, RealServer) and _real_server_fields(self) == _real_server_fields(other)

    def __repr__(self):
        return 'RealServer(%s)' % ', '.join('%s=%r' % (n, getattr(self, n)) for n in self.__slots__)

    def to_dict(self):
        return dict((name, getattr(self, name)) for name in self.__slots__)


# All of a real server's fields as one tuple, in C (compared for every server of every service on each run).
_real_server_fields = operator.attrgetter(*RealServer.__slots__)


class Service(object):
    """A virtual service (its key, its settings and its real servers by key)."""

    _settings = ('scheduler', 'scheduler_flags', 'persistence_timeout', 'persistence_netmask',
                 'persistence_engine', 'one_packet')

    def __init__(self, key, scheduler=DEFAULT_SCHEDULER, scheduler_flags=(), persistence_timeout=None,
                 persistence_netmask=None, persistence_engine=None, one_packet=False, real_servers=(), name=None):
        self.key = key
        self.scheduler = scheduler
        self.scheduler_flags = tuple(scheduler_flags)
        self.persistence_timeout = persistence_timeout or None
        # The netmask only means something for a persistent service.
        if self.persistence_timeout:
            self.persistence_netmask = persistence_netmask or full_netmask(key.family)
        else:
            self.persistence_netmask = None
        self.persistence_engine = persistence_engine
        self.one_packet = bool(one_packet)
        self.real_servers = dict((rs.key, rs) for rs in real_servers)
        self.name = name  # for messages only; the kernel does not store it

    def settings(self):
        return _service_settings(self)

    def copy(self, real_servers=None):
        values = dict((name, getattr(self, name)) for name in self._settings)
        if real_servers is None:
            real_servers = self.real_servers.values()
        return Service(self.key, real_servers=real_servers, name=self.name, **values)

    def __eq__(self, other):
        return (isinstance(other, Service) and self.key == other.key and self.settings() == other.settings()
                and self.real_servers == other.real_servers)

    def __repr__(self):
        return 'Service(%s, %r, %r)' % (service_label(self.key), self.settings(), sorted_real_servers(self))

    def to_dict(self):
        result = dict(self.key._asdict())
        result.update((name, getattr(self, name)) for name in self._settings)
        result['scheduler_flags'] = list(self.scheduler_flags)
        result['real_servers'] = [rs.to_dict() for rs in sorted_real_servers(self)]
        return result


_service_settings = operator.attrgetter(*Service._settings)


# What a run is asked for: {key: Service} to have, the keys of services to
# remove, and per service key the keys of real servers to remove.
DesiredState = namedtuple('DesiredState', ['services', 'absent_services', 'absent_real_servers'])


# ---------------------------------------------------------------- addresses

def _packed(address):
    """(socket family, packed bytes) of an address; ValueError if it is none."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return family, socket.inet_pton(family, address)
        except (OSError, TypeError, ValueError):
            continue
    raise ValueError('%r is not an IP address' % (address,))


def canonical_address(address):
    """The form ipvsadm prints (it uses inet_ntop): dotted quad, or compressed lower-case IPv6.

    socket's C conversions rather than ipaddress: tables of thousands of
    services are parsed on every run, and ipaddress is several times slower.
    """
    family, packed = _packed(address)
    return socket.inet_ntop(family, packed)


def family_of(address):
    return 'ipv6' if ':' in address else 'ipv4'


_LIMITED_BROADCAST = ipaddress.IPv4Address(u'255.255.255.255')


def not_unicast(address):
    """Why the kernel refuses ``address`` as a real server, or None if it takes it.

    ip_vs_new_dest() (net/netfilter/ipvs/ip_vs_ctl.c) takes only unicast
    destinations: inet_addr_type() must be RTN_UNICAST or RTN_LOCAL, and
    ipv6_addr_type() IPV6_ADDR_UNICAST and not link-local (unless the address
    is the director's own).  A subnet broadcast address of the director is
    refused too; only the kernel knows those, and the re-read catches them.
    """
    ip = ipaddress.ip_address(u'%s' % address)
    if ip.is_unspecified:
        return 'the unspecified address'
    if ip.is_multicast:
        return 'a multicast address'
    if ip.version == 4:
        return 'the broadcast address' if ip == _LIMITED_BROADCAST else None
    if ip.is_link_local:
        return 'a link-local address'
    if ip.ipv4_mapped is not None:
        return 'an IPv4-mapped IPv6 address'
    return None


def full_netmask(family):
    return '128' if family == 'ipv6' else '255.255.255.255'


def canonical_netmask(value, family):
    """IPv4 masks as ipvsadm prints them (dotted), IPv6 as a prefix length."""
    text = u'%s' % value
    text = text[1:] if text.startswith('/') else text
    if family == 'ipv6':
        prefix = int(text)
        if not 1 <= prefix <= 128:
            raise ValueError('IPv6 netmask must be a prefix length 1-128')
        return str(prefix)
    if text.isdigit():
        return str(ipaddress.IPv4Network(u'0.0.0.0/%s' % text).netmask)
    return str(ipaddress.IPv4Address(text))


def format_endpoint(address, port):
    if ':' in address:
        return '[%s]:%d' % (address, port)
    return '%s:%d' % (address, port)


@functools.lru_cache(maxsize=65536)
def parse_endpoint(text):
    """``addr:port`` or ``[v6addr]:port`` (the port may be missing).

    Cached: every service's endpoint is repeated on each of its real servers'
    lines, in both reads of the table and again in the re-read.
    """
    if text.startswith('['):
        address, dummy, rest = text[1:].partition(']')
        port = rest[1:] if rest.startswith(':') else None
    elif text.count(':') == 1:
        address, port = text.split(':')
    else:
        address, port = text, None
    try:
        return canonical_address(address), (int(port) if port else None)
    except ValueError:
        raise ParseError('bad address %r' % text)


def service_key(protocol, address=None, port=None, fwmark=None, family=None):
    """Build the key the kernel identifies a service by."""
    if fwmark:
        return ServiceKey(None, None, None, int(fwmark), family or 'ipv4')
    address = canonical_address(address)
    return ServiceKey(protocol, address, int(port), None, family_of(address))


def service_label(key):
    """Human name of a service key, e.g. ``tcp 10.0.0.1:80`` or ``fwmark 10 ipv6``."""
    if key.fwmark:
        return 'fwmark %d %s' % (key.fwmark, key.family)
    return '%s %s' % (key.protocol, format_endpoint(key.address, key.port))


def service_sort_key(key):
    """Where a service goes in the order of sorted_services(), of a plan and of the owned-services record."""
    if key.fwmark:
        return (1, key.family, key.fwmark)
    return (0, key.family, _packed(key.address), key.port, key.protocol)


def sorted_services(table):
    return [table[key] for key in sorted(table, key=service_sort_key)]


def sorted_real_servers(service):
    return [service.real_servers[key] for key in
            sorted(service.real_servers, key=lambda k: (_packed(k[0]), k[1]))]


# ---------------------------------------------------------- scheduler flags

def scheduler_flag_names(scheduler):
    return _SCHEDULER_FLAG_NAMES.get(scheduler, _GENERIC_FLAGS)


def canonical_scheduler_flags(scheduler, flags):
    """Map flag names (generic or scheduler-specific) to the names ipvsadm prints, in bit order."""
    names = scheduler_flag_names(scheduler)
    bits = set()
    for flag in flags:
        if flag in names:
            bits.add(names.index(flag))
        elif flag in _GENERIC_FLAGS[:len(names)]:
            bits.add(_GENERIC_FLAGS.index(flag))
        else:
            raise ValueError(flag)
    return tuple(names[bit] for bit in sorted(bits))
