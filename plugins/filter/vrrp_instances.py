# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The VRRP instances of lvs_vips, for the metrics of keepalived's states."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: vrrp_instances
short_description: The VIPs of lvs_vips held by VRRP, with their keepalived instance names
description:
  - Every VIP with C(announce=vrrp) (the default) is one keepalived VRRP instance, named C(VI_<name>) in
    keepalived.conf. BGP VIPs have none.
  - Returns only the name, instance and address of each, so no secret (C(auth_pass)) goes further.
positional: _input
options:
  _input:
    description: C(lvs_vips).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
metrics_vrrp_instances: "{{ lvs_vips | lvs.cluster.vrrp_instances }}"
"""

RETURN = r"""
_value:
  description: C({instance, vip, address}) per VRRP VIP, in the order of C(lvs_vips).
  type: list
  elements: dict
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import vrrp_instances


class FilterModule(object):
    """The cluster model, the VRRP instances."""

    def filters(self):
        return {'vrrp_instances': vrrp_instances}
