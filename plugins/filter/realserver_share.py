# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real server's share of the shared cluster tree (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: realserver_share
short_description: What a real server serves, routes and admits, from the shared cluster tree
description:
  - The present services of O(_input) whose C(real_servers) name the host (its inventory hostname, a
    C({host}) entry with that name, or an C({address}) entry equal to its address), with their VIPs by
    forwarding method, the TCP ports to listen on, and the firewall rules for those ports and for the
    health checks' own ports.
  - The realserver role computes C(realserver_served) with it; its templates only format the result.
positional: _input, vips, host, address
options:
  _input:
    description: C(lvs_virtual_services).
    type: list
    elements: dict
    required: true
  vips:
    description: C(lvs_vips).
    type: list
    elements: dict
    required: true
  host:
    description: The real server's inventory hostname.
    type: str
    required: true
  address:
    description: The real server's address (C(realserver_address)).
    type: str
    required: true
"""

EXAMPLES = r"""
realserver_served: >-
  {{ lvs_virtual_services | lvs.cluster.realserver_share(lvs_vips, inventory_hostname, realserver_address) }}
"""

RETURN = r"""
_value:
  description: What the host serves.
  type: dict
  contains:
    services:
      description: Names of the services it serves, in inventory order.
      type: list
      elements: str
    dr_vips:
      description: VIPs of its direct-routing services (on lo).
      type: list
      elements: str
    tun_vips:
      description: VIPs of its tunnelling services (on tunl0).
      type: list
      elements: str
    nat_vips:
      description: VIPs of its NAT services.
      type: list
      elements: str
    nat_gateways:
      description: The floating gateways (C(lvs_vips[].gateway.address)) of its NAT VIPs.
      type: list
      elements: str
    ports:
      description: TCP ports to listen on, sorted; C([80]) when no service gives one.
      type: list
      elements: int
    accept:
      description: Firewall rules C({protocol, ports, comment}), per service and per health check on its own port.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import ModelError, realserver_share


def realserver_share_filter(services, vips, host, address):
    try:
        return realserver_share(services, vips, host, address)
    except ModelError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    """The cluster model, a real server's share."""

    def filters(self):
        return {'realserver_share': realserver_share_filter}
