# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The VIPs an earlier run of the realserver role put on lo or tunl0 that no service uses now."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: stale_vips
short_description: VIPs the realserver role added on lo or tunl0 that no service uses now
description:
  - The role's unit (C(lvs-realserver)) adds each VIP at boot and deletes it on stop with one
    C(ExecStop=-/sbin/ip -4 addr del ADDRESS/32 dev DEVICE) line (C(-6 ... ADDRESS/128) for an IPv6
    VIP); read before the unit is rewritten, those lines are the addresses the role put there.
  - Returns those that are still on their device as a host address (/32, /128) and that the host no
    longer serves.
    An address the unit never listed (an operator's C(lo:0), another program's) is never returned.
positional: _input, dr_vips, tun_vips, interfaces
options:
  _input:
    description: The text of the unit as an earlier run wrote it; empty when there was none.
    type: str
    required: true
  dr_vips:
    description: The VIPs that belong on lo now (direct routing).
    type: list
    elements: str
    required: true
  tun_vips:
    description: The VIPs that belong on tunl0 now (tunnelling).
    type: list
    elements: str
    required: true
  interfaces:
    description: The host's addresses as C(ip -j addr show) prints them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
stale: "{{ unit_text | lvs.cluster.stale_vips(served.dr_vips, served.tun_vips, ip_addr.stdout | from_json) }}"
"""

RETURN = r"""
_value:
  description: The addresses to delete, each C({address, prefix, device}), sorted; prefix 32 or 128.
  type: list
  elements: dict
"""

import ipaddress
import re

VIP_DEVICES = ('lo', 'tunl0')
HOST_PREFIX = {4: 32, 6: 128}
# How templates/network.service.j2 of the realserver role deletes a VIP it added.
_EXEC_STOP = re.compile(r'^ExecStop=-/sbin/ip -([46]) addr del (\S+)/(32|128) dev (\S+)$')


def _address(text, version=None):
    """``text`` as a canonical address (of that IP version when given), or None when it is not one."""
    try:
        address = ipaddress.ip_address(u'%s' % text)
    except ValueError:
        return None
    return str(address) if version in (None, address.version) else None


def vips_added_by_unit(unit_text):
    """{(address, device)} that the unit's ExecStop lines delete: what the role added."""
    added = set()
    for line in unit_text.splitlines():
        match = _EXEC_STOP.match(line.strip())
        if not match:
            continue
        version, text, prefix, device = int(match.group(1)), match.group(2), int(match.group(3)), match.group(4)
        address = _address(text, version)
        if address and prefix == HOST_PREFIX[version] and device in VIP_DEVICES:
            added.add((address, device))
    return added


def vips_on_devices(interfaces):
    """{(address, device)} of the host addresses (/32, /128) now on lo and tunl0."""
    found = set()
    for interface in interfaces:
        for info in interface.get('addr_info', []) if interface.get('ifname') in VIP_DEVICES else []:
            version = {'inet': 4, 'inet6': 6}.get(info.get('family'))
            address = _address(info.get('local'), version) if version else None
            if address and info.get('prefixlen') == HOST_PREFIX[version]:
                found.add((address, interface['ifname']))
    return found


def _served(vips, device):
    return set((_address(vip), device) for vip in vips)


def stale_vips(unit_text, dr_vips, tun_vips, interfaces):
    """What the role added earlier, is still there, and is no longer served."""
    stale = (vips_added_by_unit(unit_text or '') - _served(dr_vips, 'lo') - _served(tun_vips, 'tunl0')) & vips_on_devices(interfaces)
    by_device_and_number = sorted(((device, ipaddress.ip_address(u'%s' % address)) for address, device in stale),
                                  key=lambda pair: (pair[0], pair[1].version, pair[1]))
    return [dict(address=str(address), prefix=HOST_PREFIX[address.version], device=device)
            for device, address in by_device_and_number]


class FilterModule(object):
    """Real-server VIPs to take away."""

    def filters(self):
        return {'stale_vips': stale_vips}
