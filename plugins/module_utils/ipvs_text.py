# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipvsadm's text: the lines ipvsadm reads and prints, to and from the model.

Parses ``ipvsadm -S -n`` (the save format, also that of rules files), single
``ipvsadm -R`` rules and the ``ipvsadm -L -n`` listings; renders services and
real servers as the rules that create them, a whole table as a rules file,
and the owned-services record (services named as ipvsadm names them).  Apart
from the plan, which decides what to change: this only reads and spells it in
ipvsadm's syntax.  No I/O and no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_model import (
    DEFAULT_PERSISTENCE_TIMEOUT, DEFAULT_SCHEDULER, DEFAULT_WEIGHT, FORWARDING_OPTIONS, MAX_FWMARK,
    MAX_PERSISTENCE_TIMEOUT, MAX_THRESHOLD, PROTOCOL_OPTIONS, ParseError, RealServer, Service, ServiceKey,
    TUNNEL_CHECKSUMS, canonical_netmask, canonical_scheduler_flags, family_of, format_endpoint, full_netmask,
    parse_endpoint, service_key, service_label, service_sort_key, sorted_real_servers, sorted_services)


# ---------------------------------------------------------------- save format

_PROTOCOL_BY_OPTION = dict((option, name) for name, option in PROTOCOL_OPTIONS.items())
_OPTION_ALIASES = {
    '--add-service': '-A', '--edit-service': '-E', '--delete-service': '-D',
    '--add-server': '-a', '--edit-server': '-e', '--delete-server': '-d',
    '--tcp-service': '-t', '--udp-service': '-u', '--fwmark-service': '-f',
    '--scheduler': '-s', '--persistent': '-p', '--netmask': '-M', '--ops': '-o',
    '--sched-flags': '-b', '--real-server': '-r', '--gatewaying': '-g', '--masquerading': '-m',
    '--ipip': '-i', '--weight': '-w', '--u-threshold': '-x', '--l-threshold': '-y', '--ipv6': '-6',
}
_COMMANDS = ('-A', '-E', '-D', '-a', '-e', '-d')
_FLAG_OPTIONS = ('-6', '-o', '-g', '-m', '-i', '--tun-nocsum', '--tun-csum', '--tun-remcsum')
# Options whose value may be missing: a bare -p means the default timeout,
# and ipvsadm prints a bare -b for sh/mh services with only flag-3 set.
_OPTIONAL_VALUE = {'-p': str.isdigit, '-b': lambda token: not token.startswith('-')}

Rule = namedtuple('Rule', ['command', 'service', 'real_server'])


def _tokens_to_options(tokens):
    """Split ipvsadm arguments into an option dict (values are None for flags)."""
    options = {}
    index = 0
    while index < len(tokens):
        option = _OPTION_ALIASES.get(tokens[index], tokens[index])
        index += 1
        value = None
        if option in _OPTIONAL_VALUE:
            if index < len(tokens) and _OPTIONAL_VALUE[option](tokens[index]):
                value = tokens[index]
                index += 1
        elif option not in _FLAG_OPTIONS and option not in _COMMANDS:
            if index >= len(tokens):
                raise ParseError('option %s needs a value' % option)
            value = tokens[index]
            index += 1
        if option in options:
            raise ParseError('option %s given twice' % option)
        options[option] = value
    return options


def _pop_int(options, option, default, low=0, high=None):
    value = options.pop(option, None)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        raise ParseError('bad value %r for %s' % (value, option))
    return number


def _pop_service_key(options):
    """Remove and return the service key (-t/-u/--sctp-service/-f [-6])."""
    ipv6 = _pop_flag(options, '-6')
    given = [option for option in ('-t', '-u', '--sctp-service', '-f') if option in options]
    if len(given) != 1:
        raise ParseError('exactly one of -t, -u, --sctp-service, -f is needed')
    option = given[0]
    if option == '-f':
        fwmark = _pop_int(options, '-f', None, 1, MAX_FWMARK)
        return service_key(None, fwmark=fwmark, family='ipv6' if ipv6 else 'ipv4')
    address, port = parse_endpoint(options.pop(option))  # canonical already
    return ServiceKey(_PROTOCOL_BY_OPTION[option], address, port or 0, None, family_of(address))


_ABSENT = object()


def _pop_flag(options, option):
    return options.pop(option, _ABSENT) is not _ABSENT


def _service_from_options(key, options):
    scheduler = options.pop('-s', None) or DEFAULT_SCHEDULER
    timeout = None
    if '-p' in options:
        timeout = _pop_int(options, '-p', DEFAULT_PERSISTENCE_TIMEOUT, 1, MAX_PERSISTENCE_TIMEOUT)
    netmask = options.pop('-M', None)
    flags = options.pop('-b', None)
    try:
        flags = canonical_scheduler_flags(scheduler, flags.split(',')) if flags else ()
        netmask = canonical_netmask(netmask, key.family) if netmask else None
    except ValueError as exc:
        raise ParseError('bad scheduler flags or netmask: %s' % exc)
    return Service(key, scheduler=scheduler, scheduler_flags=flags, persistence_timeout=timeout,
                   persistence_netmask=netmask, persistence_engine=options.pop('--pe', None),
                   one_packet=_pop_flag(options, '-o'))


def _real_server_from_options(key, options):
    address, port = parse_endpoint(options.pop('-r'))
    methods = [name for name, flag in FORWARDING_OPTIONS.items() if flag in options]
    if len(methods) > 1:
        raise ParseError('more than one forwarding method')
    forwarding = 'dr'
    if methods:
        forwarding = methods[0]
        del options[FORWARDING_OPTIONS[forwarding]]
    checksums = [name for name in TUNNEL_CHECKSUMS if _pop_flag(options, '--tun-' + name)]
    if len(checksums) > 1:
        raise ParseError('more than one tunnel checksum option')
    # ipvsadm forces the service's port on dr and tun servers of non-fwmark services.
    if port is None or (not key.fwmark and forwarding != 'nat'):
        port = key.port or 0
    return RealServer(address, port, forwarding=forwarding,
                      weight=_pop_int(options, '-w', DEFAULT_WEIGHT, 0, 65535),
                      upper_threshold=_pop_int(options, '-x', 0, 0, MAX_THRESHOLD),
                      lower_threshold=_pop_int(options, '-y', 0, 0, MAX_THRESHOLD),
                      tunnel_type=options.pop('--tun-type', None),
                      tunnel_port=_pop_int(options, '--tun-port', None, 1, 65535),
                      tunnel_checksum=checksums[0] if checksums else None)


def parse_rule(line):
    """Parse one ipvsadm rule line (``-A``, ``-E``, ``-D``, ``-a``, ``-e`` or ``-d``)."""
    tokens = line.split()
    if not tokens:
        raise ParseError('empty rule')
    command = _OPTION_ALIASES.get(tokens[0], tokens[0])
    if command not in _COMMANDS:
        raise ParseError('unknown command in %r' % line)
    try:
        options = _tokens_to_options(tokens[1:])
        key = _pop_service_key(options)
        service = real_server = None
        if command in ('-A', '-E'):
            service = _service_from_options(key, options)
        elif command in ('-a', '-e'):
            real_server = _real_server_from_options(key, options)
        elif command == '-d':
            real_server = RealServer(*_endpoint_with_service_port(key, options.pop('-r')))
        if options:
            raise ParseError('unexpected options %s' % ' '.join(sorted(options)))
    except ParseError as exc:
        raise ParseError('%s in %r' % (exc, line))
    return Rule(command, service or Service(key), real_server)


def _endpoint_with_service_port(key, text):
    address, port = parse_endpoint(text)
    return address, (key.port or 0) if port is None else port


def parse_save(text):
    """Parse ``ipvsadm -S -n`` output (or a rules file of -A/-a lines) into a table."""
    table = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        rule = parse_rule(line)
        key = rule.service.key
        if rule.command == '-A':
            if key in table:
                raise ParseError('service %s listed twice' % service_label(key))
            table[key] = rule.service
        elif rule.command == '-a':
            if key not in table:
                raise ParseError('real server before its service in %r' % line)
            table[key].real_servers[rule.real_server.key] = rule.real_server
        else:
            raise ParseError('save format has only -A and -a lines, got %r' % line)
    return table


# ---------------------------------------------------------------- rendering

def render_service_spec(key):
    if key.fwmark:
        return '-f %d -6' % key.fwmark if key.family == 'ipv6' else '-f %d' % key.fwmark
    return '%s %s' % (PROTOCOL_OPTIONS[key.protocol], format_endpoint(key.address, key.port))


def render_service(command, service):
    """``-A``/``-E`` line with every setting, in the order ipvsadm -S prints them."""
    words = [command, render_service_spec(service.key), '-s', service.scheduler]
    if service.persistence_timeout:
        words += ['-p', str(service.persistence_timeout)]
        if service.persistence_netmask != full_netmask(service.key.family):
            words += ['-M', service.persistence_netmask]
    if service.persistence_engine:
        words += ['--pe', service.persistence_engine]
    if service.one_packet:
        words.append('-o')
    if service.scheduler_flags:
        words += ['-b', ','.join(service.scheduler_flags)]
    return ' '.join(words)


def render_real_server(command, key, real_server):
    """``-a``/``-e`` line; thresholds (which ipvsadm -S omits) are added when set."""
    words = [command, render_service_spec(key), '-r', format_endpoint(real_server.address, real_server.port),
             FORWARDING_OPTIONS[real_server.forwarding], '-w', str(real_server.weight)]
    if real_server.tunnel_type:
        words += ['--tun-type', real_server.tunnel_type]
        if real_server.tunnel_type == 'gue':
            words += ['--tun-port', str(real_server.tunnel_port)]
        if real_server.tunnel_checksum:
            words.append('--tun-' + real_server.tunnel_checksum)
    if real_server.upper_threshold:
        words += ['-x', str(real_server.upper_threshold)]
    if real_server.lower_threshold:
        words += ['-y', str(real_server.lower_threshold)]
    return ' '.join(words)


def render_save(table):
    """The whole table as restorable rules, in a stable order."""
    lines = []
    for service in sorted_services(table):
        lines.append(render_service('-A', service))
        lines.extend(render_real_server('-a', service.key, rs) for rs in sorted_real_servers(service))
    return lines


def render_save_text(table):
    """The table as the text of a rules file: ``render_save`` lines, each newline-terminated."""
    return ''.join(line + '\n' for line in render_save(table))


# ---------------------------------------------------------------- listings

def _parse_number(text):
    """Numbers in ``ipvsadm -L`` output; without --exact they carry K/M/G/T suffixes."""
    scale = {'K': 10 ** 3, 'M': 10 ** 6, 'G': 10 ** 9, 'T': 10 ** 12}.get(text[-1:], 1)
    try:
        return int(text[:-1] if scale != 1 else text) * scale
    except ValueError:
        raise ParseError('bad number %r' % text)


def _listing_service_key(tokens):
    """Key and remaining columns of a service line of ``ipvsadm -L -n``."""
    protocol = tokens[0].lower()
    if protocol == 'fwm':
        ipv6 = len(tokens) > 2 and tokens[2] == 'IPv6'
        return service_key(None, fwmark=int(tokens[1]), family='ipv6' if ipv6 else 'ipv4'), tokens[3 if ipv6 else 2:]
    if protocol not in PROTOCOL_OPTIONS:
        raise ParseError('unknown protocol %r' % tokens[0])
    address, port = parse_endpoint(tokens[1])
    return service_key(protocol, address, port), tokens[2:]


LISTING_COLUMNS = {
    'stats': ('connections', 'packets_in', 'packets_out', 'bytes_in', 'bytes_out'),
    'rate': ('connections_per_second', 'packets_in_per_second', 'packets_out_per_second',
             'bytes_in_per_second', 'bytes_out_per_second'),
    'thresholds': ('upper_threshold', 'lower_threshold', 'active_connections', 'inactive_connections'),
    'persistent': ('weight', 'persistent_connections', 'active_connections', 'inactive_connections'),
    'list': ('forwarding_name', 'weight', 'active_connections', 'inactive_connections'),
}


def parse_listing(text, kind):
    """Parse ``ipvsadm -L -n`` (``kind='list'``) or its ``--stats``, ``--rate``, ``--thresholds``,
    ``--persistent-conn`` variants into ``{service_key: (service_columns, {rs_key: rs_columns})}``.

    Service columns are only filled for stats and rate (plain listings repeat
    the configuration, which ``-S`` gives in a parseable form).
    """
    columns = LISTING_COLUMNS[kind]
    result = {}
    current = None
    for line in text.splitlines():
        tokens = line.split()
        if not tokens or tokens[0] in ('IP', 'Prot') or tokens[1:2] == ['RemoteAddress:Port']:
            continue
        if tokens[0] == '->':
            if current is None:
                raise ParseError('real server before its service in %r' % line)
            address, port = parse_endpoint(tokens[1])
            result[current][1][(address, port)] = _listing_values(columns, tokens[2:], line)
        else:
            current, rest = _listing_service_key(tokens)
            values = _listing_values(columns, rest, line) if kind in ('stats', 'rate') else {}
            result[current] = (values, {})
    return result


def _listing_values(columns, tokens, line):
    if len(tokens) != len(columns):
        raise ParseError('expected %d columns in %r' % (len(columns), line))
    return dict((name, value if name == 'forwarding_name' else _parse_number(value))
                for name, value in zip(columns, tokens))


def apply_thresholds(table, listing):
    """Fill real servers' thresholds (``ipvsadm -S`` omits them) from a ``--thresholds`` listing."""
    for key, (dummy, servers) in listing.items():
        service = table.get(key)
        for rs_key, values in servers.items():
            real_server = service.real_servers.get(rs_key) if service else None
            if real_server is not None:
                real_server.upper_threshold = values['upper_threshold']
                real_server.lower_threshold = values['lower_threshold']
    return table


# ------------------------------------------------------ owned-services record

# The record of what the module owns on a host: the services it created (or
# took over by being told to manage them), one a line as ipvsadm names them.
# Only the module writes it, so a service is removed only when this module put
# it there; rules files are no such proof, others write them too.
OWNED_HEADER = ('# IPVS services that lvs.cluster.ipvs created on this host, as ipvsadm names them.\n'
                '# Its next run removes those it is no longer given. Written by the module only.\n')


def parse_service_spec(text):
    """The key of a service as ``render_service_spec`` writes it (``-t 10.0.0.1:80``, ``-f 10 -6``)."""
    try:
        options = _tokens_to_options(text.split())
        key = _pop_service_key(options)
        if options:
            raise ParseError('unexpected options %s' % ' '.join(sorted(options)))
    except ParseError as exc:
        raise ParseError('%s in %r' % (exc, text))
    return key


def parse_owned(text):
    """The service keys of an owned-services record (comments and blank lines skipped)."""
    lines = (line.strip() for line in text.splitlines())
    return set(parse_service_spec(line) for line in lines if line and not line.startswith('#'))


def service_specs(keys):
    """How ipvsadm names each service (``render_service_spec``), in the kernel's sort order."""
    return [render_service_spec(key) for key in sorted(keys, key=service_sort_key)]


def render_owned(keys):
    """The text of an owned-services record."""
    return OWNED_HEADER + ''.join(spec + '\n' for spec in service_specs(keys))
