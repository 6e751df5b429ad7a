# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The state of an LVS cluster from what each director reads, compared with the inventory."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: cluster_status
short_description: The cluster's VIPs, services and anomalies from every director's readings
description:
  - Compares what every director reads (its IPVS table, its addresses, keepalived and the sync daemon) with the
    inventory (C(lvs_vips) and the services the director role resolves) and with the other directors.
  - Used by C(playbooks/status.yml); C(cluster_status_report) renders the result as lines of text.
  - A VRRP VIP (the default) must be on exactly one director. A director's VRRP state is the last
    C((VI_<vip>) Entering <STATE> STATE) line keepalived logged since it started.
  - A BGP VIP (C(announce=bgp)) is held by every director that can serve it, which the BGP gate marks by
    holding it on C(lo) and FRR announces; its state is C(ANNOUNCED) there and C(WITHDRAWN) elsewhere, and
    only a BGP VIP that no director announces is an anomaly.
  - For a BGP VIP's service, the director the role makes keepalived's sorry server there
    (in C(bgp_sorry_peers) of the reading) is reported as the sorry server, not as an undeclared real server.
positional: _input, directors, vips
options:
  _input:
    description:
      - The readings, by director inventory name. Each is a dict with C(declared) (the director role's
        C(director_services)), C(ipvs) (the result of M(lvs.cluster.ipvs_info)), C(addresses) (the JSON of
        C(ip -j addr show)), C(keepalived) (the unit's C(ActiveState) from systemd), C(vrrp_log)
        (keepalived's journal lines), C(sync_daemon) (C(director_sync_daemon)), C(sync_daemons)
        (the output of C(ipvsadm -L -n --daemon)) and, optional, C(bgp_sorry_peers) (by service name, the
        address of the director that backs each BGP VIP's service, the C(peer) of the director's
        C(director_bgp_peer_backed_services)).
    type: dict
    required: true
  directors:
    description: Every director of the inventory; one without a reading is an anomaly.
    type: list
    elements: str
    required: true
  vips:
    description: C(lvs_vips).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
status: "{{ readings | lvs.cluster.cluster_status(groups['directors'], lvs_vips) }}"
report: "{{ status | lvs.cluster.cluster_status_report }}"
"""

RETURN = r"""
_value:
  description:
    - C(vips), per VIP the directors that hold it and each director's VRRP state; C(services), per service each
      real server's weight, health (up, down, drained, absent, sorry) and connections on every director;
      C(anomalies), each with C(kind), C(hosts) and a one-line C(message).
  type: dict
"""

import re

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_model

# keepalived 2.2's VRRP state changes, e.g. "(VI_web) Entering MASTER STATE" or
# "(VI_web): entering FAULT state (interface eth0 down)".
VRRP_STATE = re.compile(r'\((?P<instance>[^)\s]+)\):? [Ee]ntering (?P<state>[A-Z]+) (?:STATE|state)')
# ipvsadm -L --daemon: "master sync daemon (mcast=eth0, syncid=51...)".
SYNC_DAEMON = re.compile(r'^(?P<role>master|backup) sync daemon \(mcast=(?P<interface>[^,)]+)', re.M)


def anomaly(kind, hosts, message):
    return {'kind': kind, 'hosts': sorted(hosts), 'message': message}


def service_key_of(service):
    """The kernel's key of an ipvs_info service or of a resolved service's ipvs form."""
    return ipvs_model.service_key(service.get('protocol', 'tcp'), service.get('address'), service.get('port'),
                                  service.get('fwmark'), service.get('family'))


def server_key(address, port):
    return ipvs_model.canonical_address(address), int(port or 0)


def held_addresses(addresses):
    """Every address in ``ip -j addr show`` output."""
    return set(ipvs_model.canonical_address(info['local'])
               for link in addresses for info in link.get('addr_info', []) if 'local' in info)


def vrrp_states(log):
    """The last state keepalived logged for each VRRP instance."""
    return dict((match.group('instance'), match.group('state')) for match in VRRP_STATE.finditer(log or ''))


def running_sync_daemons(text):
    return [match.group('role') for match in SYNC_DAEMON.finditer(text or '')]


def vip_status(vip, readings):
    address = ipvs_model.canonical_address(vip['address'])
    holders = sorted(host for host, reading in readings.items() if address in held_addresses(reading['addresses']))
    announce = vip.get('announce', 'vrrp')
    states = {}
    for host, reading in readings.items():
        if announce == 'bgp':
            states[host] = 'ANNOUNCED' if host in holders else 'WITHDRAWN'
        elif reading['keepalived'] != 'active':
            states[host] = 'STOPPED'
        else:
            states[host] = vrrp_states(reading['vrrp_log']).get('VI_' + vip['name'], 'UNKNOWN')
    return {'name': vip['name'], 'address': vip['address'], 'announce': announce, 'master': vip.get('master'),
            'holders': holders, 'states': states}


def vip_anomalies(vip, directors):
    label = 'VIP %s %s' % (vip['name'], vip['address'])
    if not vip['holders']:
        return [anomaly('vip_unowned', directors, '%s is %s by no director (%s)'
                        % (label, 'announced' if vip['announce'] == 'bgp' else 'held', ', '.join(directors)))]
    if len(vip['holders']) > 1 and vip['announce'] != 'bgp':
        return [anomaly('vip_split', vip['holders'], '%s is held by %d directors: %s'
                        % (label, len(vip['holders']), ', '.join(vip['holders'])))]
    return []


def kernel_services(reading):
    return dict((service_key_of(service), service) for service in reading['ipvs'].get('services', []))


def declared_services(reading):
    return [service for service in reading['declared'] if service.get('state', 'present') == 'present']


def health(declared, programmed_weight, kernel):
    """up, drained (by playbooks/drain.yml), down (a failed check, or an ipvsadm table unlike the inventory) or absent."""
    if kernel is None:
        return 'absent'
    if kernel['weight'] > 0:
        return 'up'
    if programmed_weight == 0 and declared['weight'] > 0:
        return 'drained'
    return 'down'


def reading_of(kernel):
    return {'weight': kernel['weight'], 'active': kernel.get('active_connections', 0),
            'inactive': kernel.get('inactive_connections', 0)}


def declared_rows(service, readings):
    """A row per declared real server: its weight, health and connections on every director."""
    rows = []
    for declared in service['real_servers']:
        key = server_key(declared['address'], declared['port'])
        row = {'host': declared['host'], 'address': declared['address'], 'port': declared['port'],
               'declared_weight': declared['weight'], 'directors': {}}
        for host, reading in readings.items():
            kernel = kernel_servers(reading, service).get(key)
            cell = reading_of(kernel) if kernel else {'weight': None, 'active': None, 'inactive': None}
            cell['health'] = health(declared, programmed_weights(reading, service).get(key), kernel)
            row['directors'][host] = cell
        rows.append(row)
    return rows


def programmed_weights(reading, service):
    """The weights the director's own resolution of ``service`` programs: 0 for the servers drained there."""
    own = next((own for own in declared_services(reading) if own['name'] == service['name']), None)
    return dict((server_key(rs['address'], rs['port']), rs['weight']) for rs in own['ipvs']['real_servers']) if own else {}


def kernel_servers(reading, service):
    kernel = kernel_services(reading).get(service_key_of(service['ipvs']))
    if kernel is None:
        return {}
    return dict((server_key(rs['address'], rs['port']), rs) for rs in kernel['real_servers'])


def sorry_addresses(service, reading):
    """The sorry servers of service on the director of reading: its own, and for a BGP VIP's
    service the other director keepalived hands the flows to there."""
    own = (service.get('sorry_server') or {}).get('address')
    peer = (reading.get('bgp_sorry_peers') or {}).get(service['name']) if service.get('announce') == 'bgp' else None
    return set(ipvs_model.canonical_address(address) for address in (own, peer) if address)


def extra_rows(service, readings):
    """Rows for real servers in the kernel that the inventory does not list (the sorry server, or strays)."""
    declared = set(server_key(rs['address'], rs['port']) for rs in service['real_servers'])
    extras = {}
    for host, reading in readings.items():
        sorry = sorry_addresses(service, reading)
        for key, kernel in kernel_servers(reading, service).items():
            if key in declared:
                continue
            row = extras.setdefault(key, {'host': None, 'address': key[0], 'port': key[1],
                                          'declared_weight': None, 'directors': {}})
            cell = reading_of(kernel)
            cell['health'] = 'sorry' if key[0] in sorry else 'undeclared'
            row['directors'][host] = cell
            if key[0] in sorry:
                row['host'] = 'sorry server'
    return [extras[key] for key in sorted(extras)]


def service_status(service, readings):
    return {'name': service['name'], 'service': ipvs_model.service_label(service_key_of(service['ipvs'])),
            'scheduler': service['scheduler'], 'forwarding': service['forwarding'], 'owner': service['rules_owner'],
            'missing_on': sorted(host for host, reading in readings.items()
                                 if service_key_of(service['ipvs']) not in kernel_services(reading)),
            'real_servers': declared_rows(service, readings) + extra_rows(service, readings)}


def weights_by_director(service):
    """What each director that has the service programs: {director: ((address, port, weight), ...)}."""
    tables = {}
    for row in service['real_servers']:
        for host, cell in row['directors'].items():
            if host not in service['missing_on'] and cell['weight'] is not None:
                tables.setdefault(host, []).append((row['address'], row['port'], cell['weight']))
    for host in tables:
        tables[host] = tuple(sorted(tables[host]))
    return tables


def server_label(row):
    endpoint = ipvs_model.format_endpoint(row['address'], row['port'])
    return '%s %s' % (row['host'], endpoint) if row['host'] and row['host'] != row['address'] else endpoint


def table_text(table):
    return ' '.join('%s=%d' % (ipvs_model.format_endpoint(address, port), weight) for address, port, weight in table) or 'none'


def service_anomalies(service, directors):
    label = '%s (%s)' % (service['name'], service['service'])
    found = []
    if service['missing_on']:
        found.append(anomaly('service_missing', service['missing_on'], '%s is not in the IPVS table of %s'
                             % (label, ', '.join(service['missing_on']))))
    tables = weights_by_director(service)
    if len(set(tables.values())) > 1:
        found.append(anomaly('directors_disagree', tables, '%s: the directors disagree on real servers or weights: %s'
                             % (label, '; '.join('%s %s' % (host, table_text(tables[host])) for host in sorted(tables)))))
    for row in service['real_servers']:
        cells = row['directors']
        if row['declared_weight'] and cells and all(cell['weight'] == 0 for cell in cells.values()):
            healths = ', '.join('%s %s' % (host, cells[host]['health']) for host in sorted(cells))
            found.append(anomaly('weight_zero_everywhere', cells, '%s: %s has weight 0 on every director (%s)'
                                 % (label, server_label(row), healths)))
        undeclared = sorted(host for host, cell in cells.items() if cell['health'] == 'undeclared')
        if undeclared:
            found.append(anomaly('real_server_undeclared', undeclared, '%s: real server %s on %s is not in the inventory'
                                 % (label, server_label(row), ', '.join(undeclared))))
    return found


def undeclared_services(readings):
    """Kernel services that no director's inventory declares, with the directors that have them."""
    declared = set(service_key_of(service['ipvs']) for reading in readings.values() for service in declared_services(reading))
    found = {}
    for host, reading in readings.items():
        for key in kernel_services(reading):
            if key not in declared:
                found.setdefault(key, []).append(host)
    return [anomaly('service_undeclared', found[key], '%s is in the IPVS table of %s but not in lvs_virtual_services'
                    % (ipvs_model.service_label(key), ', '.join(sorted(found[key]))))
            for key in sorted(found, key=ipvs_model.service_label)]


def director_anomalies(host, reading):
    found = []
    if reading['keepalived'] != 'active':
        found.append(anomaly('keepalived_down', [host], 'keepalived is not running on %s (systemd ActiveState: %s)'
                             % (host, reading['keepalived'] or 'no answer')))
    if reading['sync_daemon'] and not running_sync_daemons(reading['sync_daemons']):
        found.append(anomaly('sync_daemon_down', [host], 'the IPVS sync daemon is not running on %s '
                             '(director_sync_daemon is true)' % host))
    return found


def union_of_declared(readings):
    """Every declared service once, in inventory order (each director resolves the same tree)."""
    seen = {}
    for host in sorted(readings):
        for service in declared_services(readings[host]):
            seen.setdefault(service['name'], service)
    return list(seen.values())


def cluster_status(readings, directors, vips):
    """{vips, services, anomalies} of the cluster; see DOCUMENTATION."""
    anomalies = [anomaly('no_reading', [host], '%s: no reading (unreachable, or one of its tasks failed)' % host)
                 for host in directors if host not in readings]
    for host in sorted(readings):
        anomalies.extend(director_anomalies(host, readings[host]))
    vip_rows = [vip_status(vip, readings) for vip in vips]
    for vip in vip_rows:
        anomalies.extend(vip_anomalies(vip, sorted(readings)))
    service_rows = [service_status(service, readings) for service in union_of_declared(readings)]
    for service in service_rows:
        anomalies.extend(service_anomalies(service, sorted(readings)))
    anomalies.extend(undeclared_services(readings))
    return {'vips': vip_rows, 'services': service_rows, 'anomalies': anomalies}


def cell_text(cell):
    if cell is None or cell['weight'] is None:
        return cell['health'] if cell else '-'
    return '%d %s %d/%d' % (cell['weight'], cell['health'], cell['active'], cell['inactive'])


def columns(rows):
    """Rows of cells as lines, each column as wide as its widest cell."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return ['    ' + '  '.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def vip_lines(vip):
    holders = ', '.join(vip['holders']) or 'nobody'
    states = ', '.join('%s %s' % (host, vip['states'][host]) for host in sorted(vip['states']))
    mode = 'BGP' if vip['announce'] == 'bgp' else 'master %s' % vip['master']
    return ['  %s %s (%s): held by %s; %s' % (vip['name'], vip['address'], mode, holders, states)]


def service_lines(service, directors):
    lines = ['  %s %s %s %s, owner %s' % (service['name'], service['service'], service['scheduler'],
                                          service['forwarding'], service['owner'])]
    header = ['real server (weight)'] + directors
    rows = [['%s (%s)' % (server_label(row), '-' if row['declared_weight'] is None else row['declared_weight'])]
            + [cell_text(row['directors'].get(host)) for host in directors] for row in service['real_servers']]
    return lines + columns([header] + rows)


def cluster_status_report(status):
    """The status as text: VIPs, services (weight, health, ActiveConn/InActConn per director), anomalies."""
    directors = sorted(set(host for vip in status['vips'] for host in vip['states'])
                       | set(host for service in status['services'] for row in service['real_servers']
                             for host in row['directors']))
    lines = ['VIPs (holders; VRRP or BGP state per director)']
    for vip in status['vips']:
        lines.extend(vip_lines(vip))
    lines.append('Virtual services (per director: weight health ActiveConn/InActConn)')
    for service in status['services']:
        lines.extend(service_lines(service, directors))
    lines.append('Anomalies: %d' % len(status['anomalies']))
    lines.extend('  - ' + item['message'] for item in status['anomalies'])
    return lines


class FilterModule(object):
    """The cluster status of playbooks/status.yml."""

    def filters(self):
        return {'cluster_status': cluster_status, 'cluster_status_report': cluster_status_report}
