# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ipvs module's ``services`` option, checked and turned into a DesiredState.

Every field of every service and real server is checked here (types,
choices, ranges, and what ipvsadm or the kernel would refuse), and every
problem is reported at once, naming the service and the field.  Apart from
the model because it speaks the module's option names and AnsibleModule's
value conventions, which the kernel's table knows nothing of.  No I/O and no
Ansible imports.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_model import (
    DEFAULT_SCHEDULER, DEFAULT_WEIGHT, DesiredState, FORWARDING_ALIASES, FORWARDING_OPTIONS, MAX_FWMARK,
    MAX_PERSISTENCE_TIMEOUT, MAX_THRESHOLD, PERSISTENCE_ENGINES, PROTOCOL_OPTIONS, RealServer, SCHEDULERS, Service,
    TUNNEL_CHECKSUMS, TUNNEL_TYPES, TUNNEL_TYPE_CHECKSUMS, ValidationError, canonical_address, canonical_netmask,
    canonical_scheduler_flags, family_of, format_endpoint, not_unicast, scheduler_flag_names, service_key,
    service_label)


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
