# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checks of the BGP announcement of VIPs (lvs_vips[].announce: bgp) and of director_bgp."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: bgp_settings
short_description: Complete director_bgp with its defaults
description:
  - Every peer merged over C(peer_defaults), the router id (else C(router_id)), the
    communities (else none). The values are checked afterwards by C(lvs.cluster.bgp_errors).
positional: _input, peer_defaults, router_id
options:
  _input:
    description: director_bgp.
    type: dict
    required: true
  peer_defaults:
    description: director_bgp_peer_defaults.
    type: dict
    required: true
  router_id:
    description: The router id when director_bgp has none (the default IPv4).
    type: str
    required: true
"""

EXAMPLES = r"""
settings: "{{ director_bgp | lvs.cluster.bgp_settings(director_bgp_peer_defaults, ansible_facts.default_ipv4.address) }}"
"""

RETURN = r"""
_value:
  description: director_bgp with C(router_id), C(communities) and complete C(peers).
  type: dict
"""


def bgp_settings(bgp, peer_defaults, router_id):
    """director_bgp with its defaults: every peer over peer_defaults, the router id
    (else router_id), the communities (else none)."""
    bgp = dict(bgp or {})
    bgp['router_id'] = bgp.get('router_id') or router_id
    bgp['communities'] = list(bgp.get('communities') or [])
    bgp['peers'] = [dict(peer_defaults or {}, **peer) if isinstance(peer, dict) else peer
                    for peer in bgp.get('peers') or []]
    return bgp


class FilterModule(object):
    """director_bgp with its defaults."""

    def filters(self):
        return {'bgp_settings': bgp_settings}
