#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: ipvs_info
short_description: Read the Linux IPVS (LVS) table with connection counters, statistics and rates
version_added: 0.1.0
author:
  - LVS cluster collection developers (@lvs-cluster)
description:
  - Returns the kernel's IP Virtual Server table in the same structure as M(lvs.cluster.ipvs) returns it, with the
    active and inactive connections of every real server and, optionally, traffic statistics and rates of every
    service and real server.
  - Reads with C(ipvsadm -S -n), C(ipvsadm -L -n --thresholds), C(ipvsadm -L -n --persistent-conn --exact)
    and, as requested,
    C(ipvsadm -L -n --stats --exact) and C(ipvsadm -L -n --rate --exact). Nothing is changed.
  - When the C(ip_vs) kernel module is not loaded (no C(/proc/net/ip_vs)), the table is empty and C(ipvsadm) is not
    run, in check mode and out of it, because C(ipvsadm) would load the module; RV(ipvs_loaded) is then V(false).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  action_group:
    description: Use C(group/lvs.cluster.ipvs) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - lvs.cluster.ipvs
  check_mode:
    support: full
    details: The module only reads, and never loads a kernel module.
  diff_mode:
    support: none
  platform:
    platforms: posix
options:
  stats:
    description:
      - Include cumulative counters (connections, packets and bytes in and out) as C(stats).
    type: bool
    default: true
  rates:
    description:
      - Include per-second rates (connections, packets and bytes in and out) as C(rates).
    type: bool
    default: true
  ipvsadm_path:
    description:
      - Path of the C(ipvsadm) binary. By default it is looked up in the E(PATH) and the system binary directories.
    type: path
notes:
  - Requires C(ipvsadm) on the target when the C(ip_vs) kernel module is loaded; this module never loads it.
  - The kernel's counters may move between the separate C(ipvsadm) calls, so the figures are a near, not an atomic, snapshot.
seealso:
  - module: lvs.cluster.ipvs
"""

EXAMPLES = r"""
- name: Read the IPVS table
  lvs.cluster.ipvs_info:
  register: ipvs_table

- name: Show the active connections of each real server of the first service
  ansible.builtin.debug:
    msg: "{{ ipvs_table.services[0].real_servers | map(attribute='active_connections') }}"

- name: Only the configuration and connection counts
  lvs.cluster.ipvs_info:
    stats: false
    rates: false
"""

RETURN = r"""
ipvs_loaded:
  description:
    - Whether the C(ip_vs) kernel module is loaded. When it is not, RV(services) is empty and RV(msg) says so.
  returned: always
  type: bool
  sample: true
msg:
  description: Why the table is empty without reading it.
  returned: when RV(ipvs_loaded) is V(false)
  type: str
  sample: The ip_vs kernel module is not loaded (no /proc/net/ip_vs), so the IPVS table is empty; ipvsadm was not run
services:
  description:
    - The virtual services, sorted by family, address, port and protocol, then fwmark services.
    - Each has the keys returned by M(lvs.cluster.ipvs) (C(protocol), C(address), C(port), C(fwmark), C(family),
      C(scheduler), C(scheduler_flags), C(persistence_timeout), C(persistence_netmask), C(persistence_engine),
      C(one_packet), C(real_servers)) plus C(stats) and C(rates) when requested.
    - Each real server has in addition C(active_connections), C(inactive_connections) and C(persistent_connections),
      and C(stats) and C(rates) when requested.
  returned: always
  type: list
  elements: dict
  sample:
    - protocol: tcp
      address: 10.10.0.100
      port: 80
      fwmark: null
      family: ipv4
      scheduler: wrr
      scheduler_flags: []
      persistence_timeout: null
      persistence_netmask: null
      persistence_engine: null
      one_packet: false
      stats: {connections: 12, packets_in: 80, packets_out: 0, bytes_in: 5600, bytes_out: 0}
      rates: {connections_per_second: 0, packets_in_per_second: 1, packets_out_per_second: 0,
              bytes_in_per_second: 70, bytes_out_per_second: 0}
      real_servers:
        - address: 10.10.0.11
          port: 80
          forwarding: dr
          weight: 2
          upper_threshold: 0
          lower_threshold: 0
          tunnel_type: null
          tunnel_port: null
          tunnel_checksum: null
          active_connections: 1
          inactive_connections: 3
          persistent_connections: 0
          stats: {connections: 8, packets_in: 53, packets_out: 0, bytes_in: 3700, bytes_out: 0}
          rates: {connections_per_second: 0, packets_in_per_second: 1, packets_out_per_second: 0,
                  bytes_in_per_second: 45, bytes_out_per_second: 0}
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_kernel, ipvs_model


def describe(table, listings):
    """Service dicts with each listing's columns merged in.

    ``listings`` is a list of (name, parsed listing); a listing without a
    name (the connection counters) is merged into the real servers directly.
    """
    services = []
    for service in ipvs_model.sorted_services(table):
        result = service.to_dict()
        for name, listing in listings:
            values, servers = listing.get(service.key, ({}, {}))
            if name:
                result[name] = values
            for real_server in result['real_servers']:
                columns = servers.get((real_server['address'], real_server['port']), {})
                real_server.update({name: columns} if name else columns)
        services.append(result)
    return services


ARGUMENT_SPEC = dict(
    stats=dict(type='bool', default=True),
    rates=dict(type='bool', default=True),
    ipvsadm_path=dict(type='path'),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    if not os.path.exists(ipvs_kernel.PROC_IPVS):
        module.exit_json(changed=False, ipvs_loaded=False, services=[],
                         msg='The ip_vs kernel module is not loaded (no %s), so the IPVS table is empty; '
                             'ipvsadm was not run' % ipvs_kernel.PROC_IPVS)
    ipvsadm = ipvs_kernel.Ipvsadm(module)
    table, thresholds = ipvsadm.read_table_and_thresholds()
    persistent = ipvsadm.read_listing(['-L', '-n', '--persistent-conn', '--exact'], 'persistent')
    listings = [(None, thresholds), (None, persistent)]
    for option, kind in (('stats', 'stats'), ('rates', 'rate')):
        if module.params[option]:
            listings.append((option, ipvsadm.read_listing(['-L', '-n', '--' + kind, '--exact'], kind)))
    module.exit_json(changed=False, ipvs_loaded=True, services=describe(table, listings))


if __name__ == '__main__':
    main()
