#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
module: ipvs
short_description: Manage the Linux IPVS (LVS) table with one batched ipvsadm restore
version_added: 0.1.0
author:
  - LVS cluster collection developers (@lvs-cluster)
description:
  - Converges the kernel's IP Virtual Server table to the declared virtual services and their real servers.
  - Reads the table once (C(ipvsadm -S -n) and, at the same time, C(ipvsadm -L -n --thresholds), because the save format
    omits thresholds),
    compares it with the desired state as sets keyed by protocol, address and port (or firewall mark and family),
    and applies the whole difference in one C(ipvsadm -R) process.
  - Edits services (C(-E)) and real servers (C(-e)) in place where the kernel allows it, adds new services before
    their real servers, removes real servers before services, and never flushes the table.
  - C(ipvsadm -R) reports a line it cannot apply on standard error, carries on with the rest and still exits 0, so
    the module re-reads the table after applying and fails, listing the changes that did not take, when the table
    differs from the desired state.
  - Input is validated before anything is touched; each error names the service and the field. Unknown fields,
    values of the wrong type and every rule below are reported together.
  - The rules are those of C(ipvsadm)'s own parser, which stops C(ipvsadm -R) at the first line it refuses (so
    the later lines of the batch would never be applied), and of the kernel, which refuses some values at run time.
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
  diff_mode:
    support: full
    details: The diff shows the whole table before and after, in C(ipvsadm -S) format.
  platform:
    platforms: posix
options:
  services:
    description:
      - The virtual services to manage, in the shape of the collection's C(lvs_virtual_services) variable with
        virtual addresses resolved to IP addresses.
      - A service is identified by O(services[].protocol), O(services[].address) and O(services[].port), or by
        O(services[].fwmark) and O(services[].family).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - A label for the service, used in messages only (the kernel does not store it).
        type: str
      address:
        description:
          - Virtual IPv4 or IPv6 address. Required unless O(services[].fwmark) is set.
        type: str
      port:
        description:
          - Virtual port, 0-65535. Required unless O(services[].fwmark) is set.
          - V(0) means any port and needs O(services[].persistence_timeout).
        type: int
      protocol:
        description:
          - One of V(tcp), V(udp) or V(sctp). Defaults to V(tcp) for an address service.
          - Not allowed together with O(services[].fwmark).
        type: str
      fwmark:
        description:
          - Firewall mark (1-2147483647) of a fwmark service, instead of protocol, address and port.
          - The kernel would take marks up to 4294967295, but C(ipvsadm -S) prints those above 2147483647 as negative
            numbers, which neither C(ipvsadm -R) nor this module can read back.
        type: int
      family:
        description:
          - Address family, V(ipv4) or V(ipv6).
          - Only needed for a fwmark service (default V(ipv4)); for an address service it must match the address.
        type: str
      scheduler:
        description:
          - Scheduling algorithm, one of V(rr), V(wrr), V(lc), V(wlc), V(lblc), V(lblcr), V(dh), V(sh), V(sed), V(nq),
            V(fo), V(ovf), V(mh) or V(twos) (the last needs a recent kernel).
        type: str
        default: wlc
      scheduler_flags:
        description:
          - Scheduler flags (C(ipvsadm -b)). V(sh-fallback) and V(sh-port) with V(sh), V(mh-fallback) and V(mh-port)
            with V(mh) (V(flag-1) and V(flag-2) are accepted for these), V(flag-1), V(flag-2) and V(flag-3) with the
            other schedulers.
          - C(ipvsadm) does not show V(flag-3) of V(sh) and V(mh), so the module cannot verify it and does not accept it.
        type: list
        elements: str
        default: []
      persistence_timeout:
        description:
          - Persistence timeout in seconds (1-2678400, C(ipvsadm -p)). Unset or V(0) means not persistent.
        type: int
      persistence_netmask:
        description:
          - Persistence granularity (C(ipvsadm -M)); a dotted netmask or prefix length for IPv4, a prefix length
            for IPv6. Defaults to a single client address. Needs O(services[].persistence_timeout).
        type: str
      persistence_engine:
        description:
          - Persistence engine (C(ipvsadm --pe)); the kernel knows V(sip).
        type: str
      one_packet:
        description:
          - One-packet scheduling (C(ipvsadm -o)); for V(udp) and fwmark services only (C(ipvsadm) refuses it on
            V(tcp) and V(sctp) services).
        type: bool
        default: false
      forwarding:
        description:
          - Default forwarding method of the service's real servers; V(dr) (direct routing, C(-g)),
            V(nat) (masquerading, C(-m)) or V(tun) (IP tunnel, C(-i)).
          - The aliases V(route), V(masq), V(ipip), V(g), V(m) and V(i) are accepted.
        type: str
        default: dr
      state:
        description:
          - V(absent) removes the service and its real servers; only the identifying options are needed then.
        type: str
        choices: [present, absent]
        default: present
      real_servers:
        description:
          - Real servers of the service.
        type: list
        elements: dict
        default: []
        suboptions:
          address:
            description:
              - IPv4 or IPv6 address of the real server. It must be of the service's family unless forwarding is V(tun).
              - It must be unicast, as the kernel requires; V(0.0.0.0), V(255.255.255.255), multicast addresses, V(::),
                IPv6 link-local and IPv4-mapped IPv6 addresses are refused. The kernel also refuses a broadcast address
                of one of the director's subnets, which the module finds only when it verifies the table.
            type: str
            required: true
          port:
            description:
              - Port of the real server. Defaults to the service's port (V(0) for a fwmark service).
              - Only V(nat) can map to a different port; with V(dr) and V(tun) the kernel uses the service's port.
            type: int
          weight:
            description:
              - Weight, 0-65535. V(0) quiesces the server (no new connections).
            type: int
            default: 1
          forwarding:
            description:
              - Forwarding method, as O(services[].forwarding), which it defaults to.
            type: str
          upper_threshold:
            description:
              - Upper connection threshold (C(ipvsadm -x)), 0-2147483647; V(0) means no limit.
            type: int
            default: 0
          lower_threshold:
            description:
              - Lower connection threshold (C(ipvsadm -y)), 0-2147483647; at most
                O(services[].real_servers[].upper_threshold) (so V(0) when that is V(0)).
            type: int
            default: 0
          tunnel_type:
            description:
              - Encapsulation for forwarding V(tun); V(ipip) (default), V(gue) or V(gre).
            type: str
          tunnel_port:
            description:
              - Destination port of the GUE tunnel; required with O(services[].real_servers[].tunnel_type=gue).
            type: int
          tunnel_checksum:
            description:
              - Tunnel checksum mode for V(gue) and V(gre); V(nocsum) (default), V(csum) or V(remcsum) (V(gue) only).
            type: str
          state:
            description:
              - V(absent) removes the real server from the service.
            type: str
            choices: [present, absent]
            default: present
  purge:
    description:
      - Remove virtual services that are not declared in O(services), and real servers that are not declared
        inside declared services.
      - Do not use it on a director where keepalived owns some virtual services; it would remove them.
    type: bool
    default: false
  owned_file:
    description:
      - File in which the module records the services it manages on this host (those declared in O(services)),
        so that a later run can tell the services it created from those it did not.
      - A service recorded there by an earlier run that O(services) no longer declares is removed from the kernel
        and from the record (it is B(released)). A service that was never recorded, such as one keepalived or an
        operator created, is never removed (unless O(purge) is set). Without O(owned_file), a service left out of
        O(services) stays in the kernel.
      - A missing file records nothing. It is written like O(save) (a new file renamed over the old one, mode
        V(0600)), before a batch that adds services (so that a batch stopped half-way leaves none unrecorded) and
        after it, and only when its content changes. Its directory must exist.
    type: path
  release_only:
    description:
      - Only release (remove from the kernel, from O(owned_file) and from O(save)) the recorded services that
        O(services) no longer declares; add and change nothing, and read no table when none is to be released.
      - Run it before another owner takes a service over, with the same O(services) as the run after it.
        keepalived takes an existing entry as its own as it stands (it ignores C(File exists)), keeping the old
        scheduler and real servers, so the entry must be gone before keepalived reads a configuration that declares it.
      - Needs O(owned_file); cannot be combined with O(purge). O(save_scope) does not apply.
    type: bool
    default: false
  save:
    description:
      - Write the resulting table in C(ipvsadm -S) format (with thresholds, which C(ipvsadm -S) leaves out) to this file,
        so it survives a reboot. Debian's C(ipvsadm) package reads C(/etc/ipvsadm.rules); RHEL uses
        C(/etc/sysconfig/ipvsadm).
      - The file is only rewritten when its content, or its mode, changes. It is written to a new temporary file in
        the same directory (never following a link there), with mode V(0600), because it lists the cluster's internal
        addresses and only root reads it at boot, synced, and renamed over the old one, so it is never seen half
        written.
      - O(save_scope) says which services it holds.
    type: path
  save_scope:
    description:
      - What O(save) writes. V(table) is the whole resulting table, as C(ipvsadm -S) saves it.
      - V(declared) is only the services declared in O(services). Use it on a director where keepalived owns other
        virtual services, so that the file does not bring back at boot, before keepalived's checks run, services
        that keepalived manages (or no longer has).
    type: str
    choices: [table, declared]
    default: table
  return_table:
    description:
      - Return the resulting table in RV(services) also when nothing changed.
      - By default RV(services) is only returned when the run changed (or, in check mode, would change) something,
        or when the kernel did not take every change. A large unchanged table is not worth serialising on every run;
        M(lvs.cluster.ipvs_info) reads the table with its counters.
    type: bool
    default: false
  ipvsadm_path:
    description:
      - Path of the C(ipvsadm) binary. By default it is looked up in the E(PATH) and the system binary directories.
    type: path
notes:
  - Requires C(ipvsadm) on the target and a kernel with IPVS. The module loads C(ip_vs) and the scheduler modules
    with C(modprobe) when they are missing; in containers, where C(modprobe) is usually not usable, the host must
    have loaded them.
  - When keepalived manages C(virtual_server) blocks, keepalived owns those services; declare each service in only
    one place.
  - Thresholds are read with C(ipvsadm -L -n --thresholds) because C(ipvsadm -S) does not print them.
seealso:
  - module: lvs.cluster.ipvs_info
  - name: ipvsadm manual page
    description: The command line tool whose rules this module writes.
    link: https://manpages.debian.org/bookworm/ipvsadm/ipvsadm.8.en.html
"""

EXAMPLES = r"""
- name: Web service, direct routing, weighted round robin
  lvs.cluster.ipvs:
    services:
      - name: web
        address: 10.10.0.100
        port: 80
        scheduler: wrr
        forwarding: dr
        real_servers:
          - address: 10.10.0.11
            weight: 2
          - address: 10.10.0.12
    save: /etc/ipvsadm.rules

- name: Next to services of keepalived, save only the declared ones
  lvs.cluster.ipvs:
    services:
      - name: static
        address: 10.10.0.100
        port: 81
        real_servers:
          - address: 10.10.0.11
    save: /etc/ipvsadm.rules
    save_scope: declared

- name: Remember what it creates; a service dropped from this list later is removed on the next run
  lvs.cluster.ipvs:
    services:
      - name: static
        address: 10.10.0.100
        port: 81
        real_servers:
          - address: 10.10.0.11
    owned_file: /var/lib/lvs-cluster/ipvs-owned

- name: Before keepalived reads a configuration that takes services over, remove those this module created
  lvs.cluster.ipvs:
    services: []                       # what this module still manages (the same list as its other run)
    owned_file: /var/lib/lvs-cluster/ipvs-owned
    release_only: true

- name: HTTP and HTTPS joined by firewall mark 10, persistent, NAT
  lvs.cluster.ipvs:
    services:
      - fwmark: 10
        scheduler: sh
        scheduler_flags: [sh-port]
        persistence_timeout: 300
        persistence_netmask: 255.255.255.0
        forwarding: nat
        real_servers:
          - address: 192.168.10.11
          - address: 192.168.10.12

- name: Drain a real server (no new connections)
  lvs.cluster.ipvs:
    services:
      - address: 10.10.0.100
        port: 80
        scheduler: wrr
        real_servers:
          - address: 10.10.0.11
            weight: 0

- name: The table is exactly this; everything else goes
  lvs.cluster.ipvs:
    purge: true
    services:
      - address: "2001:db8::100"
        port: 443
        protocol: tcp
        scheduler: mh
        scheduler_flags: [mh-port]
        forwarding: tun
        real_servers:
          - address: "2001:db8::11"
          - address: "2001:db8::12"
            tunnel_type: gue
            tunnel_port: 6080

- name: Remove a service
  lvs.cluster.ipvs:
    services:
      - address: 10.10.0.100
        port: 8080
        state: absent
"""

RETURN = r"""
commands:
  description: The C(ipvsadm -R) lines applied (or, in check mode, that would be applied), in the order used.
  returned: always
  type: list
  elements: str
  sample:
    - -A -t 10.10.0.100:80 -s wrr
    - -a -t 10.10.0.100:80 -r 10.10.0.11:80 -g -w 2
released:
  description:
    - The recorded services that O(services) no longer declares, as ipvsadm names them; each was removed from the
      kernel where it still was, and forgotten.
  returned: when O(owned_file) is set
  type: list
  elements: str
  sample:
    - -t 10.10.0.100:81
    - -f 10
unapplied:
  description: Lines the kernel did not take (still needed after C(ipvsadm -R)); only when the module fails verification.
  returned: failure
  type: list
  elements: str
  sample:
    - -A -t 10.10.0.100:80 -s twos
services:
  description:
    - The table after the run (in check mode, the predicted table).
    - Returned when the run changed or would change something, when verification fails (the table as the kernel
      then holds it), and always with O(return_table=true).
  returned: when changed, on failed verification, or with O(return_table=true)
  type: list
  elements: dict
  contains:
    protocol:
      description: V(tcp), V(udp) or V(sctp); null for a fwmark service.
      type: str
      sample: tcp
    address:
      description: Virtual address in canonical form; null for a fwmark service.
      type: str
      sample: 10.10.0.100
    port:
      description: Virtual port; null for a fwmark service.
      type: int
      sample: 80
    fwmark:
      description: Firewall mark; null for an address service.
      type: int
      sample: null
    family:
      description: V(ipv4) or V(ipv6).
      type: str
      sample: ipv4
    scheduler:
      description: Scheduler name.
      type: str
      sample: wrr
    scheduler_flags:
      description: Scheduler flags, as ipvsadm names them.
      type: list
      elements: str
      sample: []
    persistence_timeout:
      description: Persistence timeout in seconds; null when not persistent.
      type: int
      sample: null
    persistence_netmask:
      description: Persistence netmask (dotted for IPv4, prefix length for IPv6); null when not persistent.
      type: str
      sample: null
    persistence_engine:
      description: Persistence engine, or null.
      type: str
      sample: null
    one_packet:
      description: Whether one-packet scheduling is on.
      type: bool
      sample: false
    real_servers:
      description: Real servers, each with C(address), C(port), C(forwarding) (V(dr), V(nat) or V(tun)), C(weight),
        C(upper_threshold), C(lower_threshold), C(tunnel_type), C(tunnel_port) and C(tunnel_checksum).
      type: list
      elements: dict
      sample:
        - address: 10.10.0.11
          port: 80
          forwarding: dr
          weight: 2
          upper_threshold: 0
          lower_threshold: 0
          tunnel_type: null
          tunnel_port: null
          tunnel_checksum: null
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.lvs.cluster.plugins.module_utils import (
    ipvs_files, ipvs_input, ipvs_kernel, ipvs_model, ipvs_plan, ipvs_text)


def table_result(table):
    return [service.to_dict() for service in ipvs_model.sorted_services(table)]


def read_current(module, ipvsadm):
    """The table before the run; check mode does not load ip_vs just to look."""
    if module.check_mode and not os.path.exists(ipvs_kernel.PROC_IPVS):
        module.warn('IPVS is not loaded; assuming an empty table')
        return {}
    if not module.check_mode:
        ipvs_kernel.load_kernel_modules(module, ())
    return ipvsadm.read_table()


def apply_and_verify(module, ipvsadm, commands, target, desired, result):
    """One ipvsadm -R, then re-read: its exit code proves nothing, the table does."""
    rc, dummy, err = ipvsadm.restore(commands)
    actual = ipvsadm.read_table()
    unapplied = ipvs_plan.unapplied_lines(actual, target, desired, module.params['purge'])
    if unapplied:
        module.fail_json(msg='The kernel did not take %d of %d changes; ipvsadm -R said: %s'
                         % (len(unapplied), len(commands), err.strip() or '(nothing)'),
                         unapplied=unapplied, services=table_result(actual), rc=rc, stderr=err, **result)
    if rc != 0:
        module.warn('ipvsadm -R exited %d (%s) although the table is as desired' % (rc, err.strip()))
    return actual


def saved_table(target, desired, scope):
    """What the save file holds: the whole table, or only the declared services."""
    return target if scope == 'table' else ipvs_plan.restrict(target, set(desired.services))


def read_ownership(module, desired):
    """ipvs_plan.ownership() of the services recorded in owned_file; None without owned_file."""
    path = module.params['owned_file']
    if not path:
        return None
    text = ipvs_files.read_text(module, path, 'owned-services record')
    try:
        owned = ipvs_text.parse_owned(text) if text is not None else set()
    except ipvs_model.ParseError as exc:
        module.fail_json(msg='Cannot parse the owned-services record %s: %s' % (path, exc))
    return ipvs_plan.ownership(owned, desired, module.params['release_only'])


def record_owned(module, keys):
    """Write the owned-services record unless it holds ``keys`` already (a missing file holds none)."""
    path = module.params['owned_file']
    if not keys and not os.path.exists(path):
        return False
    return ipvs_files.write_private_file(module, path, ipvs_text.render_owned(keys), 'owned-services record')


def take_out_of_save_file(module, released):
    """Remove the released services from the save file; the other lines stay, and an untouched file is not rewritten."""
    path = module.params['save']
    text = ipvs_files.read_text(module, path, 'rules file')
    try:
        table = ipvs_text.parse_save(text) if text is not None else {}
    except ipvs_model.ParseError as exc:
        module.fail_json(msg='Cannot read the rules file %s to take the released services out: %s' % (path, exc))
    if not released & set(table):
        return False
    kept = ipvs_plan.restrict(table, set(table) - released)
    return ipvs_files.write_private_file(module, path, ipvs_text.render_save_text(kept), 'rules file')


def save(module, target, desired, ownership):
    """Bring the save file up to date; returns whether it changed (or would)."""
    if module.params['release_only']:
        return take_out_of_save_file(module, ownership.released)
    saved = saved_table(target, desired, module.params['save_scope'])
    return ipvs_files.write_private_file(module, module.params['save'], ipvs_text.render_save_text(saved), 'rules file')


def converge(module, desired):
    ownership = read_ownership(module, desired)
    run = ownership.desired if ownership is not None else desired
    result = dict(changed=False, commands=[])
    if ownership is not None:
        result['released'] = ipvs_text.service_specs(ownership.released)
    if module.params['release_only'] and not ownership.released:
        return result  # nothing recorded to release: no need for ipvsadm, nor to read the table
    ipvsadm = ipvs_kernel.Ipvsadm(module)
    current = read_current(module, ipvsadm)
    target = ipvs_plan.target_table(current, run, module.params['purge'])
    plan = ipvs_plan.diff_tables(current, target)
    commands = ipvs_plan.render_plan(plan)
    result.update(changed=bool(commands), commands=commands)
    if module._diff:
        result['diff'] = dict(before=ipvs_text.render_save_text(current), after=ipvs_text.render_save_text(target))
    if commands and not module.check_mode:
        if ownership is not None:
            record_owned(module, ownership.during)
        ipvs_kernel.load_kernel_modules(module, set(service.scheduler for service in plan.add_services + plan.edit_services))
        target = apply_and_verify(module, ipvsadm, commands, target, run, result)
    if ownership is not None:
        result['changed'] |= record_owned(module, ownership.after)
    if module.params['save']:
        result['changed'] |= save(module, target, desired, ownership)
    if result['changed'] or module.params['return_table']:
        result['services'] = table_result(target)
    return result


# No suboptions for services: ipvs_input.desired_state() checks every field of
# every service and real server (types, choices, unknown fields) and names the
# service in its messages; see ipvs_input.SERVICE_OPTIONS, which DOCUMENTATION
# matches.
ARGUMENT_SPEC = dict(
    services=dict(type='list', elements='dict', default=[]),
    purge=dict(type='bool', default=False),
    owned_file=dict(type='path'),
    release_only=dict(type='bool', default=False),
    save=dict(type='path'),
    save_scope=dict(type='str', default='table', choices=['table', 'declared']),
    return_table=dict(type='bool', default=False),
    ipvsadm_path=dict(type='path'),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           required_if=[('release_only', True, ('owned_file',))])
    if module.params['release_only'] and module.params['purge']:
        module.fail_json(msg='release_only removes only the released services; it cannot be combined with purge')
    try:
        desired = ipvs_input.desired_state(module.params['services'])
    except ipvs_model.ValidationError as exc:
        module.fail_json(msg='Invalid services: %s' % exc, errors=exc.errors)
    module.exit_json(**converge(module, desired))


if __name__ == '__main__':
    main()
