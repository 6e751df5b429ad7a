# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The NFS server's checks (plugins/module_utils/cluster_model.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: nfs_server_errors
short_description: The nfs_server role's checks of its exports and fixed ports
description:
  - exports(5) has no quoting for clients or option values (an option ends at C(,) or C(\))), so each path,
    client and option value must be of its closed form; an option must be a known one; a path is exported once,
    with at least one client, and not both C(rw) and C(ro) for a client; a directory mode is octal.
  - Returns one message per fault, naming the entry and field; empty when all hold.
positional: _input, default_options, known_options, ports
options:
  _input:
    description: C(nfs_server_exports).
    type: list
    elements: dict
    required: true
  default_options:
    description: C(nfs_server_default_options).
    type: list
    elements: str
    required: true
  known_options:
    description: The export option names the role accepts.
    type: list
    elements: str
    required: true
  ports:
    description: The fixed ports, by variable name.
    type: dict
    required: true
"""

EXAMPLES = r"""
nfs_server_errors: >-
  {{ nfs_server_exports | lvs.cluster.nfs_server_errors(nfs_server_default_options, nfs_server_known_options,
     {'nfs_server_mountd_port': nfs_server_mountd_port}) }}
"""

RETURN = r"""
_value:
  description: The messages, in the order of the exports and their clients, then the ports.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_model import nfs_server_errors


class FilterModule(object):
    """The cluster model, the NFS server's checks."""

    def filters(self):
        return {'nfs_server_errors': nfs_server_errors}
