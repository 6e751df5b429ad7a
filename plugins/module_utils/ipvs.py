# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure model of the kernel's IPVS table as ipvsadm shows it.

Parses ``ipvsadm -S -n`` (save format) and ``ipvsadm -L -n`` listings,
normalises desired input to the same model, diffs two tables as sets and
renders the difference as ``ipvsadm -R`` lines.  No I/O and no Ansible
imports, so the modules and the unit tests share exactly this code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
from collections import namedtuple

from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_model import (
    DEFAULT_PERSISTENCE_TIMEOUT, DEFAULT_SCHEDULER, DEFAULT_WEIGHT, DesiredState, FORWARDING_ALIASES,
    FORWARDING_OPTIONS, MAX_FWMARK, MAX_PERSISTENCE_TIMEOUT, MAX_THRESHOLD, PERSISTENCE_ENGINES, PROTOCOL_OPTIONS,
    ParseError, RealServer, SCHEDULERS, Service, ServiceKey, TUNNEL_CHECKSUMS, TUNNEL_TYPES, TUNNEL_TYPE_CHECKSUMS,
    ValidationError, canonical_address, canonical_netmask, canonical_scheduler_flags, family_of, format_endpoint,
    full_netmask, not_unicast, parse_endpoint, scheduler_flag_names, service_key, service_label, service_sort_key,
    sorted_real_servers, sorted_services)


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


# ---------------------------------------------------------------- diff

Plan = namedtuple('Plan', ['add_services', 'edit_services', 'add_real_servers', 'edit_real_servers',
                           'delete_real_servers', 'delete_services'])


def diff_tables(current, target):
    """What turns ``current`` into ``target``; both are compared as sets keyed by service key."""
    plan = Plan([], [], [], [], [], [])
    changed = [key for key in set(current) | set(target) if _differ(current.get(key), target.get(key))]
    for key in sorted(changed, key=service_sort_key):
        old, new = current.get(key), target.get(key)
        if new is None:
            plan.delete_services.append(old)
            continue
        if old is None:
            plan.add_services.append(new)
            old_servers = {}
        else:
            if old.settings() != new.settings():
                plan.edit_services.append(new)
            old_servers = old.real_servers
        for rs in sorted_real_servers(new):
            if rs.key not in old_servers:
                plan.add_real_servers.append((key, rs))
            elif old_servers[rs.key] != rs:
                plan.edit_real_servers.append((key, rs))
        if old is not None:
            plan.delete_real_servers.extend((key, rs) for rs in sorted_real_servers(old)
                                            if rs.key not in new.real_servers)
    return plan


def _differ(old, new):
    return old is not new and old != new


def render_plan(plan):
    """``ipvsadm -R`` lines in a safe order.

    Services exist before their servers are added; additions and edits come
    before removals so a service never drops below its declared servers
    mid-batch; servers go before services (a deleted service takes its own
    servers with it, so they get no ``-d``).  Never a flush.
    """
    lines = [render_service('-A', service) for service in plan.add_services]
    lines += [render_service('-E', service) for service in plan.edit_services]
    lines += [render_real_server('-a', key, rs) for key, rs in plan.add_real_servers]
    lines += [render_real_server('-e', key, rs) for key, rs in plan.edit_real_servers]
    lines += ['-d %s -r %s' % (render_service_spec(key), format_endpoint(rs.address, rs.port))
              for key, rs in plan.delete_real_servers]
    lines += ['-D %s' % render_service_spec(service.key) for service in plan.delete_services]
    return lines


# ------------------------------------------------------------ desired state

def target_table(current, desired, purge):
    """The table after converging: ``current`` with the desired state applied.

    Without ``purge`` undeclared services and undeclared real servers of
    declared services are kept as they are.
    """
    target = {} if purge else dict(current)  # services are not modified, only replaced
    for key in desired.absent_services:
        target.pop(key, None)
    for key, service in desired.services.items():
        kept = {} if purge or key not in current else dict(current[key].real_servers)
        for rs_key in desired.absent_real_servers.get(key, ()):
            kept.pop(rs_key, None)
        kept.update(service.real_servers)
        target[key] = service.copy(real_servers=kept.values())
    return target


def managed_keys(desired):
    return set(desired.services) | set(desired.absent_services)


def restrict(table, keys):
    return dict((key, service) for key, service in table.items() if key in keys)


def unapplied_lines(actual, target, desired, purge):
    """Lines still needed to reach ``target`` (empty when the kernel took everything).

    Only services this run manages are compared (all of them with purge), so
    concurrent changes by another owner (keepalived) do not count as failure.
    """
    if not purge:
        keys = managed_keys(desired)
        actual, target = restrict(actual, keys), restrict(target, keys)
    return render_plan(diff_tables(actual, target))


# ------------------------------------------------------------ ownership

# The record of what the module owns on a host: the services it created (or
# took over by being told to manage them), one a line as ipvsadm names them.
# Only the module writes it, so a service is removed only when this module put
# it there; rules files are no such proof, others write them too.
OWNED_HEADER = ('# IPVS services that lvs.cluster.ipvs created on this host, as ipvsadm names them.\n'
                '# Its next run removes those it is no longer given. Written by the module only.\n')

Ownership = namedtuple('Ownership', ['desired', 'released', 'during', 'after'])


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


def ownership(owned, desired, release_only=False):
    """What a run does with the services recorded as ``owned`` by an earlier one.

    Those ``desired`` no longer declares are released: removed from the kernel
    and forgotten, and nothing else is, so a service the module never created
    (keepalived's, an operator's) stays. Returns the desired state of the run
    (the released keys added as absent), the released keys, the record while
    the run applies (it already holds every service the batch may create, so
    a batch that stops half-way leaves none unrecorded) and after it.
    ``release_only`` releases and does nothing else: it declares nothing, and
    keeps recorded only what is still declared.
    """
    declared = set(desired.services)
    released = set(owned) - declared
    if release_only:
        return Ownership(DesiredState({}, released, {}), released, set(owned), set(owned) & declared)
    run = DesiredState(desired.services, desired.absent_services | released, desired.absent_real_servers)
    return Ownership(run, released, set(owned) | declared, declared)


# ------------------------------------------------------------ validation

# The fields of a desired service and of its real servers, in argument_spec
# form; the module documents exactly these (a unit test compares them).  The
# module declares ``services`` as a list of dicts without suboptions and
# desired_state() checks every field here instead: AnsibleModule's generic
# validation of thousands of nested dicts cost more than the rest of a large
# no-op run, and these checks name the service and the field.
REAL_SERVER_OPTIONS = dict(
    address=dict(type='str', required=True),
    port=dict(type='int'),
    weight=dict(type='int', default=DEFAULT_WEIGHT),
    forwarding=dict(type='str'),
    upper_threshold=dict(type='int', default=0),
    lower_threshold=dict(type='int', default=0),
    tunnel_type=dict(type='str'),
    tunnel_port=dict(type='int'),
    tunnel_checksum=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)
SERVICE_OPTIONS = dict(
    name=dict(type='str'),
    address=dict(type='str'),
    port=dict(type='int'),
    protocol=dict(type='str'),
    fwmark=dict(type='int'),
    family=dict(type='str'),
    scheduler=dict(type='str', default=DEFAULT_SCHEDULER),
    scheduler_flags=dict(type='list', elements='str', default=[]),
    persistence_timeout=dict(type='int'),
    persistence_netmask=dict(type='str'),
    persistence_engine=dict(type='str'),
    one_packet=dict(type='bool', default=False),
    forwarding=dict(type='str', default='dr'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    real_servers=dict(type='list', elements='dict', default=[], options=REAL_SERVER_OPTIONS),
)


def _required(options):
    return tuple(field for field, option in options.items() if option.get('required'))


_REAL_SERVER_REQUIRED = _required(REAL_SERVER_OPTIONS)

# The values AnsibleModule accepts for a bool option.
_TRUE = frozenset(('y', 'yes', 'on', '1', 'true', 't', 1, 1.0, True))
_FALSE = frozenset(('n', 'no', 'off', '0', 'false', 'f', 0, 0.0, False))


def _label(item):
    """How messages name a desired service: its name, else its key fields."""
    if item.get('name'):
        return "service '%s'" % item['name']
    if item.get('fwmark') is not None:
        return 'service fwmark %s' % item['fwmark']
    return 'service %s %s:%s' % (item.get('protocol') or 'tcp', item.get('address'), item.get('port'))


def _to_str(value):
    if isinstance(value, (dict, list)):
        raise ValueError('%r is not a string' % (value,))
    return value if isinstance(value, str) else str(value)


def _to_int(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise ValueError('%r is not an integer' % (value,))


def _to_bool(value):
    key = value.lower() if isinstance(value, str) else value
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError('%r is not a boolean' % (value,))


def _to_list(value, elements):
    if isinstance(value, str) and elements == 'str':
        value = value.split(',')
    if not isinstance(value, list):
        raise ValueError('%r is not a list' % (value,))
    if elements == 'dict':
        if not all(isinstance(element, dict) for element in value):
            raise ValueError('every element must be a dictionary')
        return value
    return [_to_str(element) for element in value]


_CONVERTERS = {'str': _to_str, 'int': _to_int, 'bool': _to_bool}


class _Checker(object):
    """Collects validation messages, each naming the service and the field."""

    def __init__(self):
        self.errors = []

    def error(self, where, field, message):
        self.errors.append('%s: %s: %s' % (where, field, message))

    def typed(self, where, item, options, required=()):
        """The given fields of ``item`` converted to their documented types.

        Unknown fields, values of the wrong type or outside their choices, and
        missing required fields are reported; None counts as not given.
        """
        typed = {}
        for field, value in item.items():
            option = options.get(field)
            if option is None:
                self.error(where, field, 'unknown field (known: %s)' % ', '.join(sorted(options)))
                continue
            if value is None:
                continue
            try:
                if option['type'] == 'list':
                    value = _to_list(value, option['elements'])
                else:
                    value = _CONVERTERS[option['type']](value)
            except ValueError as exc:
                self.error(where, field, str(exc))
                continue
            if 'choices' in option and value not in option['choices']:
                self.error(where, field, '%r is not one of %s' % (value, ', '.join(option['choices'])))
                continue
            typed[field] = value
        for field in required:
            if item.get(field) is None:
                self.error(where, field, 'is required')
        return typed

    def in_range(self, where, field, value, low, high):
        """``value`` (an int or None) if it lies in low-high; None and an error otherwise."""
        if value is not None and not low <= value <= high:
            self.error(where, field, '%d is out of range %d-%d' % (value, low, high))
            return None
        return value

    def choice(self, where, field, value, allowed):
        if value is not None and value not in allowed:
            self.error(where, field, '%r is not one of %s' % (value, ', '.join(allowed)))
            return None
        return value

    def address(self, where, field, value):
        try:
            return canonical_address(value)
        except ValueError:
            self.error(where, field, '%r is not an IPv4 or IPv6 address' % (value,))
            return None

    def unicast_address(self, where, field, value):
        """``address()`` that also refuses what the kernel does not take as a real server."""
        address = self.address(where, field, value)
        reason = not_unicast(address) if address else None
        if reason:
            self.error(where, field, '%s is %s; the kernel takes only unicast real servers' % (address, reason))
            return None
        return address


def _check_service_key(check, where, item):
    fwmark, family, protocol = item.get('fwmark'), item.get('family'), item.get('protocol')
    check.choice(where, 'family', family, ('ipv4', 'ipv6'))
    if fwmark is not None:
        for field in ('address', 'port', 'protocol'):
            if item.get(field) is not None:
                check.error(where, field, 'cannot be combined with fwmark (a fwmark service has no %s)' % field)
        fwmark = check.in_range(where, 'fwmark', fwmark, 1, MAX_FWMARK)
        return service_key(None, fwmark=fwmark, family=family) if fwmark else None
    protocol = check.choice(where, 'protocol', protocol or 'tcp', tuple(PROTOCOL_OPTIONS))
    if item.get('address') is None:
        check.error(where, 'address', 'is required unless fwmark is given')
        return None
    address = check.address(where, 'address', item['address'])
    if item.get('port') is None:
        check.error(where, 'port', 'is required unless fwmark is given')
        return None
    port = check.in_range(where, 'port', item['port'], 0, 65535)
    if port == 0 and not item.get('persistence_timeout') and item.get('state') != 'absent':
        check.error(where, 'port', '0 (any port) needs persistence_timeout')
    if address and family and family != family_of(address):
        check.error(where, 'family', '%s does not match address %s' % (family, address))
    if None in (address, port, protocol):
        return None
    return service_key(protocol, address, port)


def _check_service_settings(check, where, item, key):
    """Service settings as Service() keyword arguments (None where invalid)."""
    scheduler = check.choice(where, 'scheduler', item.get('scheduler') or DEFAULT_SCHEDULER, SCHEDULERS)
    flags = ()
    if item.get('scheduler_flags') and scheduler:
        try:
            flags = canonical_scheduler_flags(scheduler, item['scheduler_flags'])
        except ValueError as exc:
            check.error(where, 'scheduler_flags', '%s is not valid for scheduler %s (use %s)'
                        % (exc, scheduler, ', '.join(scheduler_flag_names(scheduler))))
    timeout = check.in_range(where, 'persistence_timeout', item.get('persistence_timeout'),
                             0, MAX_PERSISTENCE_TIMEOUT)
    one_packet = bool(item.get('one_packet'))
    if one_packet and key and not key.fwmark and key.protocol != 'udp':
        # ipvsadm: "One-Packet Scheduling is only for UDP virtual services" (fwmark ones are allowed).
        check.error(where, 'one_packet', 'only applies to udp and fwmark services, not %s' % key.protocol)
    netmask = item.get('persistence_netmask')
    if netmask is not None:
        if not timeout:
            check.error(where, 'persistence_netmask', 'needs persistence_timeout')
        elif key:
            try:
                netmask = canonical_netmask(netmask, key.family)
                if key.family == 'ipv4':
                    # The kernel takes any IPv4 mask; one with holes is a typo.
                    ipaddress.IPv4Network(u'0.0.0.0/%s' % netmask)
            except ValueError:
                check.error(where, 'persistence_netmask', '%r is not a valid %s netmask' % (netmask, key.family))
    return dict(scheduler=scheduler, scheduler_flags=flags, persistence_timeout=timeout,
                persistence_netmask=netmask,
                persistence_engine=check.choice(where, 'persistence_engine', item.get('persistence_engine'),
                                                PERSISTENCE_ENGINES),
                one_packet=one_packet)


def _check_tunnel(check, where, item, forwarding):
    tunnel_type = check.choice(where, 'tunnel_type', item.get('tunnel_type'), TUNNEL_TYPES)
    tunnel_port, checksum = item.get('tunnel_port'), item.get('tunnel_checksum')
    if forwarding != 'tun':
        for field in ('tunnel_type', 'tunnel_port', 'tunnel_checksum'):
            if item.get(field) is not None:
                check.error(where, field, 'only applies to forwarding tun, not %s' % forwarding)
        return {}
    tunnel_type = tunnel_type or 'ipip'
    if tunnel_type == 'gue':
        tunnel_port = check.in_range(where, 'tunnel_port', tunnel_port, 1, 65535)
        if tunnel_port is None and item.get('tunnel_port') is None:
            check.error(where, 'tunnel_port', 'is required with tunnel_type gue')
    elif tunnel_port is not None:
        check.error(where, 'tunnel_port', 'only applies to tunnel_type gue, not %s' % tunnel_type)
    checksum = check.choice(where, 'tunnel_checksum', checksum, TUNNEL_CHECKSUMS)
    if checksum and checksum not in TUNNEL_TYPE_CHECKSUMS[tunnel_type]:
        check.error(where, 'tunnel_checksum', '%s is not supported by tunnel_type %s' % (checksum, tunnel_type))
    return dict(tunnel_type=tunnel_type, tunnel_port=tunnel_port, tunnel_checksum=checksum)


def _check_forwarding(check, where, value):
    """The forwarding method by its canonical name (aliases accepted), None if invalid."""
    return check.choice(where, 'forwarding', FORWARDING_ALIASES.get(value, value), tuple(FORWARDING_OPTIONS))


def _check_real_server(check, where, raw, key, service_forwarding):
    """A RealServer from desired input, or None when it has errors.

    ``service_forwarding`` is the service's validated default, None when it
    was invalid (that error is already reported on the service).
    """
    errors_before = len(check.errors)
    item = check.typed(where, raw, REAL_SERVER_OPTIONS, _REAL_SERVER_REQUIRED)
    if len(check.errors) > errors_before:
        return None
    forwarding = _check_forwarding(check, where, item['forwarding']) if item.get('forwarding') else service_forwarding
    if forwarding is None:
        return None
    address = check.unicast_address(where, 'address', item.get('address'))
    if address and key and family_of(address) != key.family and forwarding != 'tun':
        check.error(where, 'family', 'address %s is %s but the service is %s (mixing families needs forwarding tun)'
                    % (address, family_of(address), key.family))
    port = check.in_range(where, 'port', item.get('port'), 0, 65535)
    if key and not key.fwmark and forwarding in ('dr', 'tun') and port not in (None, key.port):
        check.error(where, 'port', '%d differs from the service port %d; only forwarding nat can map ports'
                    % (port, key.port))
    weight = check.in_range(where, 'weight', item.get('weight'), 0, 65535)
    upper = check.in_range(where, 'upper_threshold', item.get('upper_threshold'), 0, MAX_THRESHOLD) or 0
    lower = check.in_range(where, 'lower_threshold', item.get('lower_threshold'), 0, MAX_THRESHOLD) or 0
    if lower > upper:
        check.error(where, 'lower_threshold', '%d is above upper_threshold %d (0 means none)' % (lower, upper))
    tunnel = _check_tunnel(check, where, item, forwarding)
    if len(check.errors) > errors_before or key is None:
        return None
    if port is None:
        port = 0 if key.fwmark else key.port
    return RealServer(address, port, forwarding=forwarding, weight=DEFAULT_WEIGHT if weight is None else weight,
                      upper_threshold=upper, lower_threshold=lower, **tunnel)


def desired_state(services):
    """Validate the module's ``services`` option and build the desired state.

    Raises ValidationError listing every problem; each message names the
    service (by name or key) and the field.
    """
    check = _Checker()
    desired = DesiredState({}, set(), {})
    seen = {}
    for raw in services or []:
        where = _label(raw)
        errors_before = len(check.errors)
        item = check.typed(where, raw, SERVICE_OPTIONS)
        if len(check.errors) > errors_before:
            continue  # the checks below would only repeat a type error
        key = _check_service_key(check, where, item)
        if key is not None and key in seen:
            check.error(where, 'key', 'duplicate of %s (%s)' % (seen[key], service_label(key)))
        elif key is not None:
            seen[key] = where
        if item.get('state') == 'absent':
            if key is not None:
                desired.absent_services.add(key)
            continue
        settings = _check_service_settings(check, where, item, key)
        forwarding = _check_forwarding(check, where, item.get('forwarding') or 'dr')
        real_servers, absent = [], set()
        for rs_index, rs_item in enumerate(item.get('real_servers', ())):
            rs_where = '%s: real_servers[%d] (%s)' % (where, rs_index, rs_item.get('address'))
            rs = _check_real_server(check, rs_where, rs_item, key, forwarding)
            if rs is None:
                continue
            if rs.key in absent or any(other.key == rs.key for other in real_servers):
                check.error(rs_where, 'address', 'duplicate real server %s' % format_endpoint(*rs.key))
            elif rs_item.get('state') == 'absent':  # a valid choice: _check_real_server checked it
                absent.add(rs.key)
            else:
                real_servers.append(rs)
        if key is not None and not check.errors:
            desired.services[key] = Service(key, real_servers=real_servers, name=item.get('name'), **settings)
            if absent:
                desired.absent_real_servers[key] = absent
    if check.errors:
        raise ValidationError(check.errors)
    return desired
