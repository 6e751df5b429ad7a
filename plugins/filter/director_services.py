# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A director's services, resolved (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: director_services
short_description: The shared tree's virtual services resolved for a director
description:
  - Each service of O(_input) with its VIP's address, its scheduler (default C(wlc), C(mh) on a BGP VIP), its health
    check merged over the defaults, its owner, and every real server as C({host, address, port, weight, forwarding});
    an inventory host's address is its C(lvs_realserver_address), else its default IPv4, and its weight its
    C(lvs_realserver_weight), else 1.
  - Each also carries C(ipvs), the same service in the shape lvs.cluster.ipvs takes, where a drained real server has
    weight 0.
  - The director role sets C(director_services) with it; its templates only format the result.
positional: _input, vips, hostvars, health_check_defaults, drained, rules_owner
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
  hostvars:
    description: C(hostvars), for the real servers named by inventory host.
    type: dict
    required: true
  health_check_defaults:
    description: C(director_health_check_defaults).
    type: dict
    required: true
  drained:
    description: Addresses of the real servers drained on this director (file names in C(director_drain_dir)).
    type: list
    elements: str
    required: true
  rules_owner:
    description: C(lvs_rules_owner), the owner of services that name none.
    type: str
    required: true
"""

EXAMPLES = r"""
director_services: >-
  {{ lvs_virtual_services | lvs.cluster.director_services(lvs_vips, hostvars, director_health_check_defaults,
     [], lvs_rules_owner | default('keepalived')) }}
"""

RETURN = r"""
_value:
  description: The services, in inventory order, each a dict of its resolved fields and C(ipvs).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import ModelError, director_services


def director_services_filter(services, vips, hostvars, health_check_defaults, drained, rules_owner):
    try:
        return director_services(services, vips, hostvars, health_check_defaults, drained, rules_owner)
    except ModelError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    """The cluster model, a director's services."""

    def filters(self):
        return {'director_services': director_services_filter}
