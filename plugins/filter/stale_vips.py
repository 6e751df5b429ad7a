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
    C(ExecStop=-/sbin/ip -4 addr del ADDRESS/32 dev DEVICE) line; read before the unit is rewritten,
    those lines are the addresses the role put there.
  - Returns those that are still on their device as a /32 and that the host no longer serves.
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
    description: The host's IPv4 addresses as C(ip -j -4 addr show) prints them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
stale: "{{ unit_text | lvs.cluster.stale_vips(served.dr_vips, served.tun_vips, ip_addr.stdout | from_json) }}"
"""

RETURN = r"""
_value:
  description: The addresses to delete, each C({address, device}), sorted; the address without its /32.
  type: list
  elements: dict
"""

import ipaddress
import re

VIP_DEVICES = ('lo', 'tunl0')
# How templates/network.service.j2 of the realserver role deletes a VIP it added.
_EXEC_STOP = re.compile(r'^ExecStop=-/sbin/ip -4 addr del (\S+)/32 dev (\S+)$')


def _ipv4(text):
    """``text`` as a canonical IPv4 address, or None when it is not one."""
    try:
        return str(ipaddress.IPv4Address(u'%s' % text))
    except ValueError:
        return None


def vips_added_by_unit(unit_text):
    """{(address, device)} that the unit's ExecStop lines delete: what the role added."""
    added = set()
    for line in unit_text.splitlines():
        match = _EXEC_STOP.match(line.strip())
        address = _ipv4(match.group(1)) if match else None
        if address and match.group(2) in VIP_DEVICES:
            added.add((address, match.group(2)))
    return added


def vips_on_devices(interfaces):
    """{(address, device)} of the /32 IPv4 addresses now on lo and tunl0."""
    return set((_ipv4(info.get('local')), interface.get('ifname'))
               for interface in interfaces if interface.get('ifname') in VIP_DEVICES
               for info in interface.get('addr_info', [])
               if info.get('family') == 'inet' and info.get('prefixlen') == 32 and _ipv4(info.get('local')))


def stale_vips(unit_text, dr_vips, tun_vips, interfaces):
    """What the role added earlier, is still there, and is no longer served."""
    served = set((_ipv4(vip), 'lo') for vip in dr_vips) | set((_ipv4(vip), 'tunl0') for vip in tun_vips)
    stale = (vips_added_by_unit(unit_text or '') - served) & vips_on_devices(interfaces)
    return [dict(address=address, device=device)
            for address, device in sorted(stale, key=lambda pair: (pair[1], ipaddress.IPv4Address(u'%s' % pair[0])))]


class FilterModule(object):
    """Real-server VIPs to take away."""

    def filters(self):
        return {'stale_vips': stale_vips}
