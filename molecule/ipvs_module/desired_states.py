# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A seeded sample of desired states for lvs.cluster.ipvs, with every value often at its limits.

Usage: desired_states.py SEED COUNT, with this collection on PYTHONPATH
(as ansible_collections.lvs.cluster). Prints a JSON list, one entry per state:
``services`` (the module's input), ``expected`` (the table as the module
returns it) and ``save`` (the table as restorable rules). Every state must
pass the module's validation; the scenario then checks that the lab kernel
takes all of it. The states share their keys, so going from one to the next
edits, adds and deletes services and real servers.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import sys

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input, ipvs_model, ipvs_plan, ipvs_text

# twos is a valid name, but the lab's 6.1 kernel has no ip_vs_twos (verify.yml tests that refusal).
SCHEDULERS = [name for name in ipvs_model.SCHEDULERS if name != 'twos']
VIPS = {'ipv4': ['10.40.0.1', '10.40.0.2', '0.0.0.0'], 'ipv6': ['fd00:40::1', '::']}
# Unicast real servers, the kernel's edge cases included: 0.0.0.0/8 but 0.0.0.0, class E,
# loopback, IPv6 site-local and IPv4-compatible.
REAL_SERVERS = {'ipv4': ['10.40.1.1', '10.40.1.2', '10.40.1.3', '0.1.2.3', '240.0.0.1', '127.0.0.1'],
                'ipv6': ['fd00:40:1::1', 'fd00:40:1::2', 'fec0::1', '::10.0.0.5', '2001:db8::ffff']}
FWMARKS = [1, 2, ipvs_model.MAX_FWMARK]
PORTS = [0, 1, 80, 65535]


def edge(rng, low, high):
    """A value of low-high, half of the time one of its ends."""
    return rng.choice((low, high)) if rng.random() < 0.5 else rng.randint(low, high)


def maybe(rng, value):
    return value if rng.random() < 0.5 else None


def service_key_fields(rng):
    family = rng.choice(('ipv4', 'ipv6'))
    if rng.random() < 0.3:
        return dict(fwmark=rng.choice(FWMARKS), family=family)
    return dict(address=rng.choice(VIPS[family]), port=rng.choice(PORTS),
                protocol=rng.choice(sorted(ipvs_model.PROTOCOL_OPTIONS)), family=family)


def persistence(rng, key, family):
    timeout = rng.choice((None, 1, ipvs_model.MAX_PERSISTENCE_TIMEOUT, rng.randint(1, ipvs_model.MAX_PERSISTENCE_TIMEOUT)))
    if key.get('port') == 0:
        timeout = timeout or ipvs_model.DEFAULT_PERSISTENCE_TIMEOUT  # any port needs persistence
    if not timeout:
        return {}
    high = 128 if family == 'ipv6' else 32
    return dict(persistence_timeout=timeout, persistence_netmask=maybe(rng, str(edge(rng, 0 if high == 32 else 1, high))),
                persistence_engine=maybe(rng, 'sip'))


def tunnel(rng):
    tunnel_type = rng.choice((None,) + ipvs_model.TUNNEL_TYPES)
    fields = dict(tunnel_type=tunnel_type)
    if tunnel_type == 'gue':
        fields['tunnel_port'] = edge(rng, 1, 65535)
    if tunnel_type in ('gue', 'gre'):
        fields['tunnel_checksum'] = rng.choice((None,) + ipvs_model.TUNNEL_TYPE_CHECKSUMS[tunnel_type])
    return fields


def real_server(rng, key, family, service_forwarding):
    forwarding = rng.choice((None, 'dr', 'nat', 'tun', 'masq', 'ipip', 'route'))
    method = ipvs_model.FORWARDING_ALIASES[forwarding or service_forwarding]
    rs_family = rng.choice(('ipv4', 'ipv6')) if method == 'tun' else family
    upper = edge(rng, 0, ipvs_model.MAX_THRESHOLD)
    fields = dict(address=rng.choice(REAL_SERVERS[rs_family]), forwarding=forwarding, weight=edge(rng, 0, 65535),
                  upper_threshold=upper, lower_threshold=edge(rng, 0, upper))
    if method == 'nat' or key.get('fwmark'):
        fields['port'] = maybe(rng, edge(rng, 0, 65535))
    if method == 'tun':
        fields.update(tunnel(rng))
    return dict((name, value) for name, value in fields.items() if value is not None)


def service(rng):
    key = service_key_fields(rng)
    family = key['family']
    scheduler = rng.choice(SCHEDULERS)
    names = ipvs_model.scheduler_flag_names(scheduler)
    fields = dict(key, scheduler=scheduler, scheduler_flags=rng.sample(names, rng.randint(0, len(names))),
                  forwarding=rng.choice(('dr', 'nat', 'tun')), **persistence(rng, key, family))
    if key.get('fwmark') or key['protocol'] == 'udp':
        fields['one_packet'] = rng.random() < 0.5
    servers = {}
    for dummy in range(rng.randint(0, 4)):
        server = real_server(rng, key, family, fields['forwarding'])
        servers[server['address']] = server  # one per address: ports may be forced to the service's
    fields['real_servers'] = list(servers.values())
    return dict((name, value) for name, value in fields.items() if value is not None)


def desired_state(rng):
    services = {}
    for dummy in range(rng.randint(1, 10)):
        item = service(rng)
        services[ipvs_model.service_label(key_of(item))] = item  # one per key
    return list(services.values())


def key_of(item):
    return ipvs_model.service_key(item.get('protocol'), item.get('address'), item.get('port'), item.get('fwmark'),
                                  item.get('family'))


def sample(seed, count):
    rng = random.Random(seed)
    states = []
    for dummy in range(count):
        services = desired_state(rng)
        table = ipvs_plan.target_table({}, ipvs_input.desired_state(services), purge=True)  # raises on what the module refuses
        states.append(dict(services=services, expected=[item.to_dict() for item in ipvs_model.sorted_services(table)],
                           save=ipvs_text.render_save(table)))
    return states


if __name__ == '__main__':
    print(json.dumps(sample(int(sys.argv[1]), int(sys.argv[2]))))
