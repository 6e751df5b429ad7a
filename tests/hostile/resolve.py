# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the collection makes of an inventory: for every host, the cluster model's
resolution (plugins/module_utils/cluster_model.py) as the roles compute it, from
the roles' own task expressions, without contacting any host (tools/model prints
it; test_model_examples.py keeps every shipped inventory's as a fixture).

Facts are made up as in cluster.py (each host one address on eth0, in the /24 of
the first VIP, in inventory order): an address or interface that comes from facts is
a placeholder. Refusals are given as the role would stop with them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from cluster import Cluster, Refused


def director(cluster, host):
    variables = cluster.role_vars('director', host)
    variables['director_services'] = cluster.director_services(variables)
    return {'director_services': [{key: value for key, value in service.items() if key != 'ipvs'}
                                  for service in variables['director_services']],
            'director_interfaces': cluster.director_interfaces(variables),
            'firewall': cluster.firewall_policy('director', variables)}


def realserver(cluster, host):
    variables = cluster.role_vars('realserver', host)
    variables['realserver_served'] = cluster.served(variables)
    variables['realserver_listen_ports'] = variables['realserver_web_ports'] or variables['realserver_served']['ports']
    cluster.run_fail_tasks('realserver', 'validate.yml', variables)
    return {'realserver_served': variables['realserver_served'],
            'firewall': cluster.firewall_policy('realserver', variables)}


def nfs_server(cluster, host):
    variables = cluster.role_vars('nfs_server', host)
    cluster.run_fail_tasks('nfs_server', 'validate.yml', variables)
    return {'exports': variables['nfs_server_exports'], 'firewall': cluster.firewall_policy('nfs_server', variables)}


ROLES = (('directors', 'director', director), ('realservers', 'realserver', realserver), ('nfs_servers', 'nfs_server', nfs_server))


def model(inventory):
    cluster = Cluster(inventory)
    resolved = {}
    for group, role, resolve in ROLES:
        for host in cluster.hosts(group):
            try:
                cluster.check_arguments(role, cluster.role_vars(role, host))
                resolved.setdefault(host, {})[role] = resolve(cluster, host)
            except Refused as refused:
                resolved.setdefault(host, {})[role] = {'refused': refused.args[0]}
    return resolved


def plain_model(inventory):
    """model(inventory) through JSON: Ansible's tagged strings become plain ones."""
    return json.loads(json.dumps(model(inventory)))
