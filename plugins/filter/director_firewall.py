# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the input filters of a director and a real server admit (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: director_firewall
short_description: What a director's and a real server's input filters admit (lvs_firewall)
description:
  - C(director_firewall) - the ports of every present service of O(_input) (resolved, C(director_services)) by
    protocol, VRRP and, with O(sync_daemon), the IPVS sync daemon (UDP 8848) from the other directors only, and BGP
    (TCP 179) and single-hop BFD (UDP 3784) from O(bgp_peers).
  - C(realserver_firewall), in the same file, takes C(realserver_served), C(realserver_web_server),
    C(realserver_listen_ports) and the directors' inventory names, and admits what the host serves, the web server's
    ports, and IPIP from the directors for tunnelling services.
  - Both return the policy lvs.cluster.nft_table's firewall entry point takes as C(nft_table_policy).
positional: _input, sync_daemon, bgp_peers, other_directors
options:
  _input:
    description: C(director_services).
    type: list
    elements: dict
    required: true
  sync_daemon:
    description: C(director_sync_daemon).
    type: bool
    required: true
  bgp_peers:
    description: The addresses of the director's BGP peers when it announces BGP VIPs, else empty.
    type: list
    elements: str
    required: true
  other_directors:
    description: The other directors' inventory hostnames.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
nft_table_policy: >-
  {{ director_services | lvs.cluster.director_firewall(director_sync_daemon, [], director_vrrp_peers | reject('equalto', inventory_hostname)) }}
"""

RETURN = r"""
_value:
  description: C({accept, host_sets, address_sets}); see lvs.cluster.nft_table's firewall entry point.
  type: dict
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import director_firewall, realserver_firewall


class FilterModule(object):
    """The cluster model, the input filters' policies."""

    def filters(self):
        return {'director_firewall': director_firewall, 'realserver_firewall': realserver_firewall}
