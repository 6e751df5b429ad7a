# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The cluster model: what each host of the cluster takes from the shared tree
(lvs_vips, lvs_virtual_services), as plain data. Pure: no I/O, no Ansible; the
roles reach it through filter plugins and only format what it returns.

So far: a director's checks (director_errors), services (director_services), interfaces
(director_interfaces) and hosts to gather facts from (director_unresolved_hosts),
a real server's share (realserver_share), what the input filters of both admit
(director_firewall, realserver_firewall) and the checks of any host's input
filter (firewall_errors), and the NFS server's checks (nfs_server_errors).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import (
    field_errors, form_errors, ip_version, is_form, keepalived_quotable, message)

# keepalived checkers that reach the real server, by the transport they use.
CHECK_PROTOCOLS = {'tcp': 'tcp', 'http_get': 'tcp', 'ssl_get': 'tcp', 'udp': 'udp'}
# What a real server listens on when no service gives it a TCP port.
DEFAULT_PORTS = [80]


class ModelError(ValueError):
    """The shared tree cannot be resolved; the message names the variable."""


def names_host(real_server, host, addresses):
    """Whether a real_servers entry is this host: its inventory hostname, or a
    dict whose host is that name or whose address is one of the host's addresses."""
    if isinstance(real_server, dict):
        return real_server.get('host', '') == host or real_server.get('address', '') in addresses
    return real_server == host


def real_server_ports(service, real_server):
    """The ports this real server listens on for service: its own port, else the
    service's, else (a firewall-mark service) the service's ports."""
    port = service.get('port') or 0
    if isinstance(real_server, dict) and 'port' in real_server:
        port = real_server['port'] or 0
    return [int(port)] if int(port) > 0 else [int(p) for p in service.get('ports') or []]


def health_check_rule(service):
    """The firewall rule for a health check on a port of its own, or None."""
    check = service.get('health_check') or {}
    protocol = CHECK_PROTOCOLS.get(check.get('type', 'tcp'))
    if 'port' not in check or protocol is None:
        return None
    return {'protocol': protocol, 'ports': [int(check['port'])],
            'comment': 'lvs_virtual_services %s health_check.port' % service['name']}


def vip_of(service, vips):
    for vip in vips:
        if vip.get('name') == service.get('vip'):
            return vip
    raise ModelError('lvs_virtual_services %s: vip %r is not the name of an entry of lvs_vips'
                     % (service.get('name'), service.get('vip')))


def add_once(items, item):
    if item not in items:
        items.append(item)


def realserver_share(services, vips, host, address):
    """What host serves: the present services whose real_servers name it, their
    VIPs by forwarding method (dr on lo, tun on tunl0, nat behind the VIP's
    gateway), whether any of them is IPv6, the TCP ports to listen on, and the
    firewall rules for them and for the health checks' own ports. address: the
    host's address, or its addresses (IPv4 and IPv6)."""
    addresses = [a for a in (address if isinstance(address, list) else [address]) if a]
    share = {'services': [], 'dr_vips': [], 'tun_vips': [], 'nat_vips': [], 'nat_gateways': [],
             'ports': [], 'accept': []}
    for service in services:
        if service.get('state', 'present') != 'present':
            continue
        for real_server in service.get('real_servers') or []:
            if not names_host(real_server, host, addresses) or service['name'] in share['services']:
                continue
            share['services'].append(service['name'])
            add_forwarding(share, service, vip_of(service, vips))
            add_ports(share, service, real_server_ports(service, real_server))
    share['ports'] = sorted(share['ports']) or list(DEFAULT_PORTS)
    share['ipv6'] = any(ip_version_of(vip) == 6 for vip in share['dr_vips'] + share['tun_vips'] + share['nat_vips'])
    return share


def add_forwarding(share, service, vip):
    forwarding = service.get('forwarding', 'dr')
    add_once(share[forwarding + '_vips'], vip['address'])
    if forwarding == 'nat' and vip.get('gateway'):
        add_once(share['nat_gateways'], vip['gateway']['address'])


def add_ports(share, service, ports):
    protocol = service.get('protocol', 'tcp')
    if protocol == 'tcp':
        for port in ports:
            add_once(share['ports'], port)
    if ports:
        share['accept'].append({'protocol': protocol, 'ports': ports,
                                'comment': 'lvs_virtual_services %s' % service['name']})
    check = health_check_rule(service)
    if check:
        share['accept'].append(check)


def nfs_server_errors(exports, default_options, known_options, ports):
    """The NFS server's checks beyond its argument spec, one message per fault naming
    the entry and field. exports(5) has no quoting for clients or option values (an
    option ends at ',' or ')'), so each path, client and option value must be of its
    closed form. ports: {variable name: port} of the daemons pinned to fixed ports."""
    errors = []
    paths = [export['path'] for export in exports]
    for index, export in enumerate(exports):
        where = 'nfs_server_exports[%d]' % index
        errors += form_errors([[export['path'], 'abs_path', where + '.path']])
        if paths.count(export['path']) > 1:
            errors.append(where + ': path is exported twice')
        if not export['clients']:
            errors.append(where + ': clients is empty')
        if 'mode' in export and not re.fullmatch(r'0?[0-7]{3,4}', str(export['mode'])):
            errors.append('%s: mode %s is not an octal mode such as "0755"' % (where, export['mode']))
        for number, client in enumerate(export['clients']):
            errors += export_client_errors(export, client, where, number, default_options, known_options)
    errors += ['%s: %s is not a port 1-65535' % (name, port) for name, port in ports.items() if not 1 <= port <= 65535]
    return errors


def export_client_errors(export, client, where, number, default_options, known_options):
    """The faults of client number of the export at where: its form, its options' names and values."""
    errors = []
    client_where = '%s.clients[%d]' % (where, number)
    if isinstance(client, dict) and 'options' in client:
        options, option_where = client['options'] or [], client_where + ' options'
    elif 'options' in export:
        options, option_where = export['options'] or [], where + '.options'
    else:
        options, option_where = default_options, 'nfs_server_default_options'
    host = client if isinstance(client, str) else (client.get('host', '') if isinstance(client, dict) else '')
    if not isinstance(client, (str, dict)):
        errors.append('%s: clients[%d] must be a host/network or a dict {host, options}' % (where, number))
    elif isinstance(client, dict) and set(client) - set(['host', 'options']):
        errors.append('%s: clients[%d] has unknown keys (host, options)' % (where, number))
    else:
        errors += form_errors([[host, 'nfs_client', client_where]])
    for option in options:
        name, equals, value = option.partition('=') if isinstance(option, str) else (None, '', '')
        if name not in known_options:
            errors.append('%s: unknown export option %s' % (option_where, json.dumps(str(option))))
        elif equals:
            errors += form_errors([[value, 'export_option_value', '%s %s' % (option_where, name)]])
    if 'rw' in options and 'ro' in options:
        errors.append('%s: both rw and ro for %s' % (where, host))
    return errors


def as_int(value):
    """Jinja's int filter: the whole number, else that of a float, else 0."""
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return 0


def facts_of(host_vars):
    """A host's gathered facts, {} when it has none."""
    return host_vars.get('ansible_facts') or {}


def ipv4_addresses_of(host_vars):
    return facts_of(host_vars).get('all_ipv4_addresses') or []


def real_server_entry(entry, hostvars, version=4):
    """(name, address, weight) of a real_servers entry: an inventory host (for an IPv4
    VIP its lvs_realserver_address, else its default IPv4; for an IPv6 VIP its
    lvs_realserver_address6, else its default IPv6; its lvs_realserver_weight, else 1)
    or an {address} entry (weight 1 unless given)."""
    entry = {'host': entry} if isinstance(entry, str) else entry
    if 'host' not in entry:
        return entry.get('address'), entry.get('address'), entry.get('weight', 1), entry
    host = hostvars[entry['host']]
    own = 'lvs_realserver_address' if version == 4 else 'lvs_realserver_address6'
    default = facts_of(host).get('default_ipv%d' % version) or {}
    address = host[own] if own in host else default.get('address')
    weight = entry['weight'] if 'weight' in entry else host.get('lvs_realserver_weight', 1)
    return entry['host'], address, weight, entry


def mh_flags(service, scheduler, bgp):
    """mh's flags: on by default for a BGP VIP (docs/scaling-out.md), off otherwise."""
    if scheduler != 'mh':
        return []
    return [flag for flag in ('mh_port', 'mh_fallback') if service.get(flag, bgp)]


def director_service(service, vips, hostvars, health_check_defaults, drained, rules_owner):
    """One service of lvs_virtual_services resolved for the director."""
    vip = vip_of(service, vips)
    bgp = vip.get('announce', 'vrrp') == 'bgp'
    scheduler = service.get('scheduler', 'mh' if bgp else 'wlc')
    forwarding = service.get('forwarding', 'dr')
    real_servers, ipvs_real_servers = [], []
    for item in service.get('real_servers') or []:
        name, address, weight, entry = real_server_entry(item, hostvars, ip_version_of(vip['address']))
        port = as_int(entry['port'] if 'port' in entry else service.get('port', 0))
        real_servers.append({'host': name, 'address': address, 'port': port, 'weight': as_int(weight),
                             'forwarding': forwarding})
        ipvs_real_servers.append({'address': address, 'port': port, 'weight': 0 if address in drained else as_int(weight),
                                  'forwarding': forwarding})
    health_check = {'type': 'tcp', 'path': '/', 'status_code': 200}
    health_check.update(health_check_defaults)
    health_check.update(service.get('health_check') or {})
    ipvs = {'name': service['name'], 'scheduler': scheduler, 'forwarding': forwarding,
            'state': service.get('state', 'present'), 'real_servers': ipvs_real_servers}
    if 'fwmark' in service:
        ipvs['fwmark'] = as_int(service['fwmark'])
    else:
        ipvs.update(address=vip['address'], port=as_int(service['port']), protocol=service.get('protocol', 'tcp'))
    flags = mh_flags(service, scheduler, bgp)
    if flags:
        ipvs['scheduler_flags'] = [flag.replace('_', '-') for flag in flags]
    if 'persistence_timeout' in service:
        ipvs['persistence_timeout'] = as_int(service['persistence_timeout'])
    if 'persistence_granularity' in service:
        ipvs['persistence_netmask'] = service['persistence_granularity']
    resolved = {
        'name': service['name'], 'vip': service['vip'], 'address': vip['address'],
        'port': service.get('port'), 'fwmark': service.get('fwmark'), 'ports': service.get('ports', []),
        'protocol': service.get('protocol', 'tcp'), 'scheduler': scheduler, 'forwarding': forwarding,
        'persistence_timeout': service.get('persistence_timeout'),
        'persistence_granularity': service.get('persistence_granularity'),
        'sorry_server': service.get('sorry_server'), 'health_check': health_check, 'real_servers': real_servers,
        'rules_owner': service.get('rules_owner', rules_owner), 'state': service.get('state', 'present'), 'ipvs': ipvs}
    # Only BGP services and mh ones carry these keys: the others stay as they were.
    if bgp or scheduler == 'mh':
        resolved.update(mh_port='mh_port' in flags, mh_fallback='mh_fallback' in flags)
        if bgp:
            resolved['announce'] = 'bgp'
    return resolved


def director_services(services, vips, hostvars, health_check_defaults, drained, rules_owner):
    """lvs_virtual_services resolved for a director: the VIP's address, the health
    check merged over the defaults, the owner, every real server as {host, address,
    port, weight}; and `ipvs`, the service in the shape lvs.cluster.ipvs takes, where
    a drained real server (its address in drained) has weight 0."""
    return [director_service(service, vips, hostvars, health_check_defaults, drained, rules_owner)
            for service in services]


def floating_addresses(vips):
    """Every VIP's address, then each one's gateway address where it has one."""
    vips = vips or []
    addresses = [vip['address'] for vip in vips if 'address' in vip]
    gateways = [vip['gateway']['address'] for vip in vips if 'address' in (vip.get('gateway') or {})]
    return addresses + gateways


def vrrp_instances(vips):
    """The VIPs held by VRRP (announce vrrp, the default) with their keepalived instance
    names (VI_<name>, as keepalived.conf.j2 writes them): [{instance, vip, address}]."""
    return [{'instance': 'VI_' + vip['name'], 'vip': vip['name'], 'address': vip['address']}
            for vip in vips or [] if vip.get('announce', 'vrrp') == 'vrrp']


def address_of(text):
    """text as an ipaddress address, or None when it is not one."""
    try:
        return ipaddress.ip_address(str(text))
    except ValueError:
        return None


def interface_networks(name, facts):
    """The interface's IPv4 network and its global IPv6 ones, from its facts."""
    interface = facts.get(re.sub(r'[-.:]', '_', name)) or {}
    ipv4 = interface.get('ipv4') or {}
    found = [(ipv4['address'], ipv4['prefix'])] if 'address' in ipv4 and 'prefix' in ipv4 else []
    found += [(ipv6['address'], ipv6['prefix']) for ipv6 in interface.get('ipv6') or []
              if 'address' in ipv6 and 'prefix' in ipv6 and ipv6.get('scope', 'global') == 'global']
    return [{'name': name, 'ip': address, 'network': ipaddress.ip_interface('%s/%s' % (address, prefix)).network}
            for address, prefix in found]


def networks(facts, floating=()):
    """The host's IPv4 and global IPv6 networks but lo's, from its facts: {name, ip, network}.
    Not those of floating addresses: an interface's IPv6 facts list every address on it,
    a VIP this host holds among them (its IPv4 facts only the primary address)."""
    return [net for name in facts.get('interfaces') or [] if name != 'lo'
            for net in interface_networks(name, facts) if net['ip'] not in floating]


def holds(network, address):
    address = address_of(address)
    return address is not None and address.version == network['network'].version and address in network['network']


def network_of(nets, address):
    """The first network holding address, or None."""
    return next((net for net in nets if holds(net, address)), None)


def fallback_address(host_vars, version=4):
    """A peer's address when none is on the network: for IPv4 lvs_director_address, else its
    default IPv4; for IPv6 its default IPv6."""
    if version == 4 and 'lvs_director_address' in host_vars:
        return str(host_vars['lvs_director_address']).strip()
    default = facts_of(host_vars).get('default_ipv%d' % version) or {}
    return str(default.get('address', '')).strip()


def address_on(host_vars, net, floating):
    """The host's first address on net that is not a VIP or gateway, or ''."""
    addresses = ipv4_addresses_of(host_vars) + (facts_of(host_vars).get('all_ipv6_addresses') or [])
    return next((a for a in addresses if a not in floating and holds(net, a)), '')


def peer_addresses(net, hostvars, host, peers, floating, version=4):
    """The other directors' addresses on net (else their fallback_address of that IP
    version): every one, checked by tasks/resolve_hosts.yml."""
    addresses = []
    for peer in peers:
        if peer != host:
            host_vars = hostvars[peer] if peer in hostvars else {}
            addresses.append(((address_on(host_vars, net, floating) if net else '') or fallback_address(host_vars, version)).strip())
    return addresses


def ip_version_of(address):
    """4 or 6 (cluster_forms.ip_version); 4 for what is no address (the checks name it)."""
    return ip_version(address) or 4


def director_interfaces(vips, facts, hostvars, host, peers, fallback_interface, unicast, bgp):
    """The director interface of each VIP and of each VIP's gateway, unless the
    inventory names it: the one whose network holds the address (interface
    order is not stable across boots, a subnet is); a VIP on none of them falls back
    to fallback_interface, a gateway gets None (the role then stops, naming it).
    With unicast VRRP, each VIP's advert source here and its peers' addresses on the
    VIP's network. With bgp (director_bgp, given when the BGP VIPs' second chance is
    on), second_chance: the other directors' IPv4 addresses on the network of the
    first IPv4 BGP peer, where the gate sends on the flows of a VIP it withdrew; and
    when a BGP VIP is IPv6, second_chance6: their IPv6 addresses on the network of
    the first IPv6 peer."""
    # A VIP is no director's own address: every director holds a BGP VIP on lo,
    # and a VRRP master its VIP, so either could come first on the network.
    floating = floating_addresses(vips)
    nets = networks(facts, floating)
    resolved = {'vips': {}, 'gateways': {}, 'unicast': {}, 'second_chance': []}
    for vip in vips:
        net = network_of(nets, vip['address'])
        interface = vip['interface'] if 'interface' in vip else ((net or {}).get('name') or fallback_interface)
        resolved['vips'][vip['name']] = interface
        if 'gateway' in vip:
            gateway = vip['gateway']
            resolved['gateways'][vip['name']] = (gateway['interface'] if 'interface' in gateway
                                                 else (network_of(nets, gateway['address']) or {}).get('name'))
        if unicast:
            # VRRP speaks the VIP's IP version: its adverts go between addresses of that version.
            version = ip_version_of(vip['address'])
            vip_net = next((n for n in nets if n['name'] == interface and n['network'].version == version), None)
            source = vip_net['ip'] if vip_net else fallback_address(hostvars[host], version)
            resolved['unicast'][vip['name']] = {'src': source,
                                                'peers': peer_addresses(vip_net, hostvars, host, peers, floating, version)}
    if bgp is not None:
        resolved['second_chance'] = second_chance_addresses(bgp, nets, hostvars, host, peers, floating, 4)
        if any(vip.get('announce') == 'bgp' and ip_version(vip['address']) == 6 for vip in vips):
            resolved['second_chance6'] = second_chance_addresses(bgp, nets, hostvars, host, peers, floating, 6)
    return resolved


def second_chance_addresses(bgp, nets, hostvars, host, peers, floating, version):
    """The other directors' addresses of IP version on the network of the first BGP peer
    of that version (the router), else their fallback_address."""
    routers = [str((peer or {}).get('address', '')) for peer in bgp.get('peers') or [] if isinstance(peer, dict)]
    router = next((address for address in routers if ip_version(address) == version), None)
    router_net = network_of(nets, router) if router else None
    return peer_addresses(router_net, hostvars, host, peers, floating, version)


def bgp_hand_off(services, bgp_vip_names, interfaces, directors, host):
    """The BGP VIPs' services, of those given (keepalived's present ones), without a sorry
    server of their own, each with `peer`: the director keepalived makes their sorry server
    and the hand-off sends their packets to when IPVS does not take them here. It is the
    next director after host in directors (director_vrrp_peers), so that each director hands
    its flows to a different one, at its address of the service's IP version
    (interfaces' second_chance or second_chance6). None without such an address."""
    position = directors.index(host) if host in directors else 0
    backed = []
    for service in services:
        others = interfaces.get('second_chance6' if ip_version(service['address']) == 6 else 'second_chance') or []
        if service['vip'] in bgp_vip_names and service['sorry_server'] is None and others:
            backed.append(dict(service, peer=others[position % len(others)]))
    return backed


def has_no_address(host_vars, own_variable):
    return own_variable not in host_vars and 'default_ipv4' not in facts_of(host_vars)


def director_unresolved_hosts(services, hostvars, host, peers, peers_needed):
    """Inventory hosts whose address the director needs but cannot know yet: real
    servers without lvs_realserver_address and, when peers_needed (unicast VRRP, the
    BGP VIPs' second chance), peer directors without lvs_director_address, that
    have no network facts."""
    hosts = []
    for service in services:
        for entry in service.get('real_servers') or []:
            name = entry if isinstance(entry, str) else entry.get('host', '')
            if name and name in hostvars and name not in hosts and has_no_address(hostvars[name], 'lvs_realserver_address'):
                hosts.append(name)
    if peers_needed:
        hosts += [peer for peer in peers if peer != host and peer in hostvars and peer not in hosts
                  and has_no_address(hostvars[peer], 'lvs_director_address')]
    return hosts


def director_firewall(services, sync_daemon, bgp_peers, other_directors):
    """What a director's input filter admits, for lvs.cluster.nft_table: the ports of
    every present service by protocol (a fwmark service's ports; one without ports is
    marked, so opened, by the operator's own rules), VRRP and, with the sync daemon,
    UDP 8848 from the other directors only, and BGP and single-hop BFD from bgp_peers
    (the peers' addresses when the director announces BGP VIPs)."""
    accept = []
    for service in services:
        ports = [service['port']] if service['port'] is not None else service['ports']
        if service['state'] == 'present' and ports:
            accept.append({'protocol': service['protocol'], 'ports': ports, 'comment': 'lvs_virtual_services ' + service['name']})
    accept.append({'protocol': 112, 'from': 'directors', 'comment': 'VRRP from director_vrrp_peers'})
    if sync_daemon:
        accept.append({'protocol': 'udp', 'ports': [8848], 'from': 'directors', 'comment': 'IPVS sync daemon (director_sync_daemon)'})
    if bgp_peers:
        accept += [{'protocol': 'tcp', 'ports': [179], 'from': 'bgp_peers', 'comment': 'BGP from director_bgp.peers'},
                   {'protocol': 'udp', 'ports': [3784], 'from': 'bgp_peers', 'comment': 'BFD from director_bgp.peers'}]
    return {'accept': accept, 'host_sets': {'directors': list(other_directors)},
            'address_sets': {'bgp_peers': list(bgp_peers)} if bgp_peers else {}}


def realserver_firewall(served, web_server, listen_ports, directors):
    """What a real server's input filter admits, for lvs.cluster.nft_table: what it
    serves (realserver_share's accept: each service's real-server port, which is what
    arrives under NAT, and its health-check port), the web server's listen ports, and
    for tunnelling services IPIP from the directors only."""
    accept = list(served['accept'])
    if web_server != 'none':
        accept.append({'protocol': 'tcp', 'ports': listen_ports, 'comment': 'realserver_web_ports, realserver_tls_ports'})
    if served['tun_vips']:
        accept.append({'protocol': 4, 'from': 'directors', 'comment': 'IPIP from the directors (forwarding tun)'})
    return {'accept': accept, 'host_sets': {'directors': list(directors)} if served['tun_vips'] else {}}


def director_form_errors(tree, settings, hostvars):
    """Every value the director writes as it is into keepalived.conf, the fwmark table and
    its unit or the sorry site, against its closed form."""
    errors = form_errors([[settings[name], form, 'director_' + name] for name, form in (
        ('router_id', 'hostname'), ('notification_email_from', 'email'), ('smtp_server', 'hostname'),
        ('smtp_connect_timeout', 'uint'), ('script_user', 'identifier'), ('drain_dir', 'abs_path'),
        ('ipvs_owned_file', 'abs_path'), ('fwmark_rules_file', 'abs_path'), ('fwmark_unit', 'identifier'),
        ('vrrp_interface', 'interface'), ('vrrp_priority_master', 'uint'), ('vrrp_priority_backup', 'uint'),
        ('sorry_server_port', 'port'), ('sorry_root', 'abs_path'))])
    errors = form_errors([[settings['host'], 'identifier', 'inventory_hostname']]) + errors
    errors += field_errors(settings['notification_email'], 'email', 'director_notification_email[{index}]')
    for index, script in enumerate(settings['vrrp_scripts']):
        where = 'director_vrrp_scripts[%d]' % index
        errors += form_errors([[script['name'], 'identifier', where + '.name']]
                              + [[script.get(key), form, '%s.%s' % (where, key)] for key, form in (
                                  ('interval', 'uint'), ('timeout', 'uint'), ('fall', 'uint'), ('rise', 'uint'),
                                  ('weight', 'int'), ('user', 'identifier'))])
    for index, vip in enumerate(tree['vips']):
        errors += vip_form_errors(vip, 'lvs_vips[%d]' % index)
    for index, service in enumerate(tree['services']):
        errors += service_form_errors(service, 'lvs_virtual_services[%d]' % index, settings['health_check_defaults'], hostvars)
    return errors


def vip_form_errors(vip, where):
    gateway = vip.get('gateway') or {}
    errors = form_errors([[vip['name'], 'identifier', where + '.name'], [vip['address'], 'ip', where + '.address'],
                          [vip.get('interface'), 'interface', where + '.interface'],
                          [vip.get('label'), 'interface', where + '.label'],
                          [gateway.get('address'), 'ipv4', where + '.gateway.address'],
                          [gateway.get('interface'), 'interface', where + '.gateway.interface'],
                          [vip.get('preempt_delay'), 'uint', where + '.preempt_delay']])
    errors += field_errors(vip.get('track_interfaces') or [], 'interface', where + '.track_interfaces[{index}]')
    errors += field_errors(vip.get('track_scripts') or [], 'identifier', where + '.track_scripts[{index}]')
    errors += field_errors(list((vip.get('priorities') or {}).values()), 'uint', where + '.priorities')
    problem = keepalived_quotable(vip['auth_pass']) if 'auth_pass' in vip else ''
    if problem:
        errors.append('%s.auth_pass: the password %s, which keepalived.conf cannot hold' % (where, problem))
    return errors


def service_form_errors(service, where, health_check_defaults, hostvars):
    check = dict(health_check_defaults)
    check.update(service.get('health_check') or {})
    sorry = service.get('sorry_server') or {}
    errors = form_errors([[service['name'], 'identifier', where + '.name']]
                         + [[service.get(key), form, '%s.%s' % (where, key)] for key, form in (
                             ('port', 'port'), ('fwmark', 'uint'), ('persistence_timeout', 'uint'),
                             ('persistence_granularity', 'ipv4_netmask'))]
                         + [[sorry.get('address'), 'ip', where + '.sorry_server.address'],
                            [sorry.get('port'), 'port', where + '.sorry_server.port']]
                         + [[check.get(key), form, '%s.health_check.%s' % (where, key)] for key, form in (
                             ('delay_loop', 'uint'), ('connect_timeout', 'uint'), ('retry', 'uint'),
                             ('delay_before_retry', 'uint'), ('path', 'url_path'), ('status_code', 'uint'),
                             ('digest', 'md5'), ('virtualhost', 'hostname'), ('port', 'port'), ('payload', 'hex'),
                             ('misc_timeout', 'uint'))])
    errors += field_errors(service.get('ports') or [], 'port', where + '.ports[{index}]')
    entries = [entry for entry in service.get('real_servers') or [] if isinstance(entry, (dict, str))]
    for index, entry in enumerate(entries):
        real_where = '%s.real_servers[%d]' % (where, index)
        host = entry if isinstance(entry, str) else entry.get('host')
        host_vars = (hostvars[host] if host in hostvars else {}) if host is not None else {}
        errors += form_errors([
            [entry.get('address') if isinstance(entry, dict) else None, 'ip', real_where + '.address'],
            [host_vars.get('lvs_realserver_address'), 'ipv4', 'lvs_realserver_address of %s (%s)' % (host, real_where)],
            [host_vars.get('lvs_realserver_address6'), 'ipv6', 'lvs_realserver_address6 of %s (%s)' % (host, real_where)],
            [host_vars.get('lvs_realserver_weight'), 'uint', 'lvs_realserver_weight of %s (%s)' % (host, real_where)]])
    return errors


def as_float(value):
    """Jinja's float filter: the number, else 0.0."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def director_errors(tree, settings, hostvars):
    """The director's checks of the shared tree that argument_specs cannot express, one
    message per fault naming the variable. First every value written as it is into a
    file, against its closed form; the cross-field checks run only once those pass, as
    they read the values as addresses and numbers. tree: {vips, services, rules_owner};
    settings: the director_* values they involve, and this host's name and facts."""
    errors = director_form_errors(tree, settings, hostvars)
    if errors:
        return errors
    vips, services = tree['vips'], tree['services']
    vip_names = [vip['name'] for vip in vips]
    interfaces = director_interfaces(vips, settings['facts'], hostvars, settings['host'], settings['vrrp_peers'],
                                     settings['vrrp_interface'], settings['vrrp_unicast'], settings['second_chance'])
    if not vips:
        errors.append('lvs_vips is empty: a director needs at least one VIP')
    for index, vip in enumerate(vips):
        errors += vip_errors(vip, 'lvs_vips[%d] (%s)' % (index, vip['name']), vips, interfaces, settings)
    owners = []
    service_names = [service['name'] for service in services]
    for index, service in enumerate(services):
        where = 'lvs_virtual_services[%d] (%s)' % (index, service['name'])
        if service_names.count(service['name']) > 1:
            errors.append(where + ': name is used more than once')
        if service['vip'] not in vip_names:
            errors.append('%s: vip %s is not a name in lvs_vips (%s)' % (where, service['vip'], ', '.join(vip_names)))
        owner = service.get('rules_owner', tree['rules_owner'])
        owners.append(owner)
        vip = next((vip for vip in vips if vip['name'] == service['vip']), None)
        errors += service_errors(service, where, owner, hostvars, vip)
    return errors + director_setting_errors(tree, settings, owners, vip_names)


def vip_errors(vip, where, vips, interfaces, settings):
    errors = []
    if [v['name'] for v in vips].count(vip['name']) > 1:
        errors.append(where + ': name is used more than once')
    bgp = vip.get('announce', 'vrrp') == 'bgp'
    # A BGP VIP has no VRRP instance: the checks below are VRRP's (bgp_errors has its own).
    if not bgp and not 1 <= as_int(vip.get('virtual_router_id')) <= 255:
        errors.append(where + ': virtual_router_id must be 1-255')
    bits = 32 if ip_version_of(vip['address']) == 4 else 128
    if not 1 <= as_int(vip.get('prefix', bits)) <= bits:
        errors.append('%s: prefix must be 1-%d' % (where, bits))
    if bits == 128:
        errors += ipv6_vip_errors(vip, where, settings)
    if vip.get('announce', 'vrrp') != 'vrrp':
        return errors
    interface = interfaces['vips'][vip['name']]
    same_id = [v['name'] for v in vips if 'virtual_router_id' in v and v['virtual_router_id'] == vip.get('virtual_router_id')]
    if [interfaces['vips'][name] for name in same_id].count(interface) > 1:
        errors.append('%s: virtual_router_id %s is used twice on %s' % (where, vip.get('virtual_router_id'), interface))
    if 'master' in vip and vip['master'] not in settings['vrrp_peers']:
        errors.append('%s: master %s is not in director_vrrp_peers %s' % (where, vip['master'], ','.join(settings['vrrp_peers'])))
    if 'auth_pass' in vip and vip.get('auth_type', settings['vrrp_auth_type']) == 'PASS' and len(str(vip['auth_pass'])) > 8:
        errors.append(where + ': auth_pass is longer than 8 characters (VRRP PASS truncates it)')
    if 'auth_pass' in vip and as_int(settings['vrrp_version']) == 3:
        errors.append(where + ': VRRPv3 has no authentication; drop auth_pass or use director_vrrp_version 2')
    advert = as_float(vip.get('advert_int', settings['vrrp_advert_int']))
    if as_int(settings['vrrp_version']) == 2 and advert != as_int(advert):
        errors.append('%s: advert_int %s needs director_vrrp_version 3 (VRRPv2 counts whole seconds)' % (where, advert))
    script_names = [script['name'] for script in settings['vrrp_scripts']]
    errors += ['%s: track_scripts names %s, which is not in director_vrrp_scripts' % (where, name)
               for name in vip.get('track_scripts') or [] if name not in script_names]
    return errors


def ipv6_vip_errors(vip, where, settings):
    """What an IPv6 VIP cannot have: a NAT gateway, or VRRPv2 (IPv6 needs VRRPv3)
    when VRRP holds it."""
    errors = []
    if 'gateway' in vip:
        errors.append(where + ': an IPv6 VIP takes no gateway (NAT is IPv4 only here)')
    if vip.get('announce', 'vrrp') == 'vrrp' and as_int(settings['vrrp_version']) != 3:
        errors.append(where + ': an IPv6 VIP needs director_vrrp_version 3 (VRRPv2 is IPv4 only)')
    return errors


def ipv6_service_errors(service, where):
    """A service on an IPv6 VIP: direct routing, no firewall mark (the mark rules
    match IPv4) and no IPv4 netmask for persistence."""
    errors = []
    if service.get('forwarding', 'dr') != 'dr':
        errors.append(where + ': forwarding must be dr on an IPv6 VIP (nat and tun are IPv4 only here)')
    if 'fwmark' in service:
        errors.append(where + ': fwmark services are IPv4 only; give an IPv6 VIP a port')
    if 'persistence_granularity' in service:
        errors.append(where + ': persistence_granularity is an IPv4 netmask; leave it out on an IPv6 VIP')
    return errors


def family_errors(service, where, version):
    """The addresses a service gives as they are (sorry server, real servers by
    address) must be of its VIP's IP version: IPVS forwards DR within one family."""
    given = [('sorry_server.address', (service.get('sorry_server') or {}).get('address'))]
    given += [('real_servers[%d].address' % index, entry.get('address'))
              for index, entry in enumerate(service.get('real_servers') or []) if isinstance(entry, dict)]
    return ['%s.%s: %s is not IPv%d like the VIP' % (where, name, address, version)
            for name, address in given if address is not None and ip_version_of(address) != version]


def service_errors(service, where, owner, hostvars, vip=None):
    errors = []
    version = ip_version_of(vip['address']) if vip is not None else 4
    errors += family_errors(service, where, version)
    if version == 6:
        errors += ipv6_service_errors(service, where)
    if ('port' in service) == ('fwmark' in service):
        errors.append(where + ': give exactly one of port and fwmark')
    if 'port' in service and not 1 <= as_int(service['port']) <= 65535:
        errors.append(where + ': port must be 1-65535')
    if 'fwmark' in service and not 1 <= as_int(service['fwmark']) <= 4294967295:
        errors.append(where + ': fwmark must be 1-4294967295')
    if 'persistence_timeout' in service and as_int(service['persistence_timeout']) < 1:
        errors.append(where + ': persistence_timeout must be at least 1 (leave it out for none)')
    if 'ports' in service and 'fwmark' not in service:
        errors.append(where + ': ports is for firewall-mark services; give fwmark too, or port alone')
    errors += ['%s: ports entry %s must be 1-65535' % (where, port) for port in service.get('ports') or [] if not 1 <= port <= 65535]
    check = service.get('health_check') or {}
    check_type, protocol = check.get('type', 'tcp'), service.get('protocol', 'tcp')
    if check_type == 'udp' and protocol != 'udp':
        errors.append(where + ': health_check type udp needs protocol udp')
    elif protocol == 'udp' and check_type in ('tcp', 'http_get', 'ssl_get'):
        errors.append('%s: health_check type %s cannot check a udp service; use udp, misc or none' % (where, check_type))
    if 'fwmark' in service and check_type in ('tcp', 'http_get', 'ssl_get', 'udp') and 'port' not in check:
        errors.append(where + ': a firewall-mark service has no port to check; set health_check.port')
    if 'fwmark' in service and 'port' in (service.get('sorry_server') or {}):
        errors.append(where + ': sorry_server.port cannot be set on a firewall-mark service (keepalived refuses it)')
    if check_type == 'misc' and not str(check.get('misc_path', '')).startswith('/'):
        errors.append(where + ': health_check.misc_path must start with an absolute path')
    if 'sorry_server' in service and owner == 'ipvsadm':
        errors.append(where + ': sorry_server needs keepalived as rules owner')
    if isinstance(service.get('real_servers'), str):
        return errors + [where + ': real_servers must be a list']
    for index, entry in enumerate(service.get('real_servers') or []):
        errors += real_server_errors(entry, '%s.real_servers[%d]' % (where, index), hostvars)
    return errors


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def real_server_errors(entry, where, hostvars):
    if isinstance(entry, str):
        return [] if entry in hostvars else ['%s: %s is not an inventory host' % (where, entry)]
    if not isinstance(entry, dict):
        return [where + ': must be an inventory hostname or a dict {host|address, port, weight}']
    errors = []
    unknown = [key for key in entry if key not in ('host', 'address', 'port', 'weight')]
    if unknown:
        errors.append('%s: unknown keys %s (host, address, port, weight)' % (where, ', '.join(unknown)))
    if ('host' in entry) == ('address' in entry):
        errors.append(where + ': give exactly one of host and address')
    elif 'host' in entry and entry['host'] not in hostvars:
        errors.append('%s: host %s is not an inventory host' % (where, entry['host']))
    if 'weight' in entry and not (is_number(entry['weight']) and 0 <= entry['weight'] <= 65535):
        errors.append(where + ': weight must be an integer 0-65535')
    if 'port' in entry and not (is_number(entry['port']) and 0 <= entry['port'] <= 65535):
        errors.append(where + ': port must be an integer 0-65535')
    return errors


def director_setting_errors(tree, settings, owners, vip_names):
    errors = []
    if settings['ipvs_purge'] and 'keepalived' in owners:
        errors.append('director_ipvs_purge: true would remove the services keepalived owns;'
                      ' use it only when every service has rules owner ipvsadm')
    errors += ['director_vrrp_scripts[%d] (%s): script must start with an absolute path' % (index, script['name'])
               for index, script in enumerate(settings['vrrp_scripts']) if not script['script'].startswith('/')]
    uses_scripts = (settings['vrrp_scripts'] or any('notify' in vip for vip in tree['vips'])
                    or any((service.get('health_check') or {}).get('type') == 'misc' for service in tree['services']))
    if uses_scripts and not settings['script_security']:
        errors.append('director_script_security is false but track/notify/misc scripts are configured: keepalived refuses'
                      ' them ("SECURITY VIOLATION"); set director_script_security: true')
    sync_vip = settings['sync_daemon_vip']
    if settings['sync_daemon'] and sync_vip in settings['bgp_vip_names']:
        errors.append('director_sync_daemon_vip: %s is announced by BGP; the sync daemon follows a VRRP VIP' % sync_vip)
    if settings['sync_daemon'] and sync_vip not in vip_names:
        errors.append('director_sync_daemon_vip: %s is not a name in lvs_vips (%s)' % (sync_vip, ', '.join(vip_names)))
    return errors


def is_port(value):
    return is_number(value) and 1 <= value <= 65535


def firewall_errors(accept, host_sets, address_sets, hostvars, context):
    """The checks of a host's input filter (lvs.cluster.nft_table), each message naming
    the variable; a rule's comment names its source. Set names, protocols and addresses
    are written as they are into the table, so they must be of their closed forms.
    context: the host, its table's name, whether firewalld runs, which of the cluster's
    groups it is in, the management ports, and the floating addresses (never a host's)."""
    host = context['host']
    errors = []
    if context['firewalld_active']:
        errors.append('lvs_firewall: firewalld runs on %s. Its own table would still drop what %s accepts (a packet must pass'
                      ' every table): open the cluster ports in firewalld and leave lvs_firewall false, or stop and disable'
                      ' firewalld.' % (host, context['table']))
    if len(context['groups']) > 1:
        errors.append('lvs_firewall: %s is in groups %s; one host holds the rules of one of them only, so the firewall'
                      ' cannot be used on it.' % (host, ' and '.join(context['groups'])))
    errors += ['lvs_firewall_management_ports: %s is not a port 1-65535' % port
               for port in context['management_ports'] if not is_port(port)]
    for rule in accept:
        errors += ['%s: port %s is not 1-65535' % (rule['comment'], port) for port in rule.get('ports') or [] if not is_port(port)]
        if 'from' in rule and rule['from'] not in host_sets and rule['from'] not in address_sets:
            errors.append('%s: from %s is not a host or address set' % (rule['comment'], rule['from']))
    errors += [message('a host set name (nft_table_host_sets)', name, 'identifier') for name in host_sets if not is_form(name, 'identifier')]
    errors += [message('an address set name (nft_table_address_sets)', name, 'identifier')
               for name in address_sets if not is_form(name, 'identifier')]
    errors += field_errors([str(rule['protocol']) for rule in accept], 'identifier', 'protocol of nft_table_accept[{index}]')
    errors += [message('from of the rule %r' % rule['comment'], rule['from'], 'identifier')
               for rule in accept if 'from' in rule and not is_form(rule['from'], 'identifier')]
    for name, addresses in address_sets.items():
        errors += [message('an address of the set ' + name, address, 'ip') for address in addresses if not is_form(address, 'ip')]
    for name, hosts in host_sets.items():
        errors += host_set_errors(name, hosts, hostvars, context['floating'])
    return errors


def host_set_addresses(hosts, hostvars, floating):
    """The gathered addresses of hosts (inventory hosts only) but the floating ones, by
    IP version, each sorted once: {'ipv4': [...], 'ipv6': [...]}, the elements of the
    host set's two nft sets."""
    found = {'ipv4': set(), 'ipv6': set()}
    for host in hosts:
        facts = facts_of(hostvars[host]) if host in hostvars else {}
        for version in found:
            found[version].update(str(a) for a in facts.get('all_%s_addresses' % version) or [] if a not in floating)
    return {version: sorted(addresses) for version, addresses in found.items()}


def host_set_errors(name, hosts, hostvars, floating):
    errors = []
    known = [host for host in hosts if host in hostvars]
    for host in known:
        addresses = host_set_addresses([host], hostvars, floating)
        for version in ('ipv4', 'ipv6'):
            where = 'an %s address of %s (its gathered all_%s_addresses)' % (version.replace('ip', 'IP'), host, version)
            errors += [message(where, address, version) for address in addresses[version] if not is_form(address, version)]
    for host in hosts:
        if host not in hostvars:
            errors.append('%s: %s is not an inventory host' % (name, host))
        elif not host_set_addresses([host], hostvars, floating)['ipv4']:
            errors.append('%s: no IPv4 address known for %s (its facts could not be gathered)' % (name, host))
    return errors
