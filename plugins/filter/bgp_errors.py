# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks of the BGP announcement of VIPs (lvs_vips[].announce: bgp) and of director_bgp."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: bgp_errors
short_description: Check director_bgp and the services of BGP-announced VIPs
description:
  - Returns one message per problem, each naming the variable. Every value that reaches
    frr.conf is checked against its closed form (see C(lvs.cluster.form_errors)).
  - A BGP VIP is announced as a host route to the peers of its IP version, so
    C(director_bgp.peers) must have one of each version the BGP VIPs use.
  - The services of a BGP VIP must be owned by keepalived (its health checks gate the
    announcement), forward by C(dr) or C(tun) (replies must not come back through one
    director), and use a consistent scheduler (C(mh) or C(sh)) unless the override allows it.
  - Empty when no VIP is announced by BGP, and director_bgp is then not read.
positional: _input, vips, services, default_owner, allow_inconsistent
options:
  _input:
    description: director_bgp as made complete by C(lvs.cluster.bgp_settings).
    type: dict
    required: true
  vips:
    description: lvs_vips.
    type: list
    required: true
  services:
    description: lvs_virtual_services.
    type: list
    required: true
  default_owner:
    description: lvs_rules_owner.
    type: str
    required: true
  allow_inconsistent:
    description: director_bgp_allow_inconsistent.
    type: bool
    required: true
"""

EXAMPLES = r"""
errors: "{{ director_bgp | lvs.cluster.bgp_errors(lvs_vips, lvs_virtual_services, 'keepalived', false) }}"
"""

RETURN = r"""
_value:
  description: One message per problem; empty when all pass.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import form_errors, ip_version

CONSISTENT_SCHEDULERS = ('mh', 'sh')
OVERRIDE = 'director_bgp_allow_inconsistent'


def bgp_vip_names(vips):
    """Names of the VIPs announced by BGP."""
    return [v.get('name') for v in vips if v.get('announce', 'vrrp') == 'bgp']


def _timer_errors(where, keepalive, hold):
    """BGP hold time is 0 (none) or 3-65535 s, and at least three keepalives (RFC 4271)."""
    if not isinstance(hold, int) or hold == 0:
        return []
    if not 3 <= hold <= 65535:
        return ['%s.hold must be 0 or 3-65535 (seconds)' % where]
    if isinstance(keepalive, int) and keepalive * 3 > hold:
        return ['%s.keepalive %d is more than a third of hold %d' % (where, keepalive, hold)]
    return []


def _peer_errors(peers):
    errors = []
    if not peers:
        errors.append('director_bgp.peers: a BGP VIP needs at least one peer')
    for index, peer in enumerate(peers):
        where = 'director_bgp.peers[%d]' % index
        errors += form_errors([
            [peer.get('address'), 'ip', where + '.address'],
            [peer.get('asn'), 'asn', where + '.asn'],
            [peer.get('password'), 'bgp_password', where + '.password', 'secret'],
            [peer.get('bfd_receive_interval'), 'bfd_interval', where + '.bfd_receive_interval'],
            [peer.get('bfd_transmit_interval'), 'bfd_interval', where + '.bfd_transmit_interval'],
            [peer.get('bfd_multiplier'), 'bfd_multiplier', where + '.bfd_multiplier'],
            [peer.get('keepalive'), 'port', where + '.keepalive'],
            [peer.get('connect_retry'), 'port', where + '.connect_retry'],
            [peer.get('hold'), 'uint', where + '.hold']])
        for key in ('address', 'asn'):
            if peer.get(key) is None:
                errors.append('%s.%s is required' % (where, key))
        if not isinstance(peer.get('bfd', False), bool):
            errors.append('%s.bfd must be true or false' % where)
        errors += _timer_errors(where, peer.get('keepalive'), peer.get('hold'))
    addresses = [p.get('address') for p in peers]
    errors += ['director_bgp.peers: %s is listed more than once' % a for a in sorted(set(addresses), key=str)
               if addresses.count(a) > 1]
    return errors


def _config_errors(bgp):
    errors = form_errors([
        [bgp.get('asn'), 'asn', 'director_bgp.asn'],
        [bgp.get('router_id'), 'ipv4', 'director_bgp.router_id']])
    if bgp.get('asn') is None:
        errors.append('director_bgp.asn is required when a VIP has announce: bgp')
    errors += [m for i, c in enumerate(bgp.get('communities') or [])
               for m in form_errors([[c, 'bgp_community', 'director_bgp.communities[%d]' % i]])]
    return errors + _peer_errors(bgp.get('peers') or [])


def _vip_errors(vips, peers):
    """A BGP VIP is announced as a host route (/32, an IPv6 one /128) to the peers of
    its IP version: FRR's ipv4 and ipv6 unicast families each go to their own peers."""
    errors = []
    peer_versions = {ip_version(peer.get('address')) for peer in peers if isinstance(peer, dict)}
    for index, vip in enumerate(vips):
        if vip.get('announce', 'vrrp') != 'bgp':
            continue
        where = 'lvs_vips[%d] (%s)' % (index, vip.get('name'))
        version = ip_version(vip.get('address')) or 4
        bits = 32 if version == 4 else 128
        if int(vip.get('prefix', bits)) != bits:
            errors.append('%s: a BGP VIP is announced as a /%d; leave out prefix' % (where, bits))
        if peers and version not in peer_versions:
            errors.append('%s: an IPv%d VIP is announced to IPv%d peers, and director_bgp.peers has none'
                          % (where, version, version))
        if 'gateway' in vip:
            errors.append('%s: gateway follows VRRP; a BGP VIP has none (NAT is not possible with BGP)' % where)
    return errors


def _service_errors(services, bgp_vips, default_owner, allow_inconsistent):
    errors = []
    for index, service in enumerate(services):
        if service.get('vip') not in bgp_vips:
            continue
        where = 'lvs_virtual_services[%d] (%s)' % (index, service.get('name'))
        if service.get('rules_owner', default_owner) != 'keepalived':
            errors.append('%s: a service of a BGP VIP needs rules_owner keepalived (its health checks gate the announcement)' % where)
        if service.get('forwarding', 'dr') not in ('dr', 'tun'):
            errors.append('%s: a service of a BGP VIP forwards by dr or tun (NAT replies would have to come back '
                          'through the director that got the request)' % where)
        scheduler = service.get('scheduler', 'mh')
        if scheduler not in CONSISTENT_SCHEDULERS and not allow_inconsistent:
            errors.append('%s: scheduler %s is not consistent across directors (use mh or sh), so a flow that changes '
                          'director changes real server; set %s: true to accept it' % (where, scheduler, OVERRIDE))
        if scheduler != 'mh' and ('mh_port' in service or 'mh_fallback' in service):
            errors.append('%s: mh_port and mh_fallback are flags of the mh scheduler' % where)
    return errors


def bgp_errors(bgp, vips, services, default_owner, allow_inconsistent):
    """Messages about director_bgp and the VIPs and services announced by BGP."""
    bgp_vips = bgp_vip_names(vips)
    if not bgp_vips:
        return []
    return (_config_errors(bgp or {}) + _vip_errors(vips, (bgp or {}).get('peers') or [])
            + _service_errors(services, bgp_vips, default_owner, allow_inconsistent))


class FilterModule(object):
    """Checks of BGP-announced VIPs."""

    def filters(self):
        return {'bgp_errors': bgp_errors}
