# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Render every template of the director role for every director of every
inventory (inventories/examples/*, lab, topologies) into a directory, with the
made-up facts of tests/hostile/cluster.py, so two trees of the role can be
compared byte for byte:

    python tests/bgp/render_all.py OUTDIR

A template that cannot render alone (for example the refusal message, which
needs a failed task) is written as the error it raised: that is compared too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'hostile'))
from cluster import REPO, Cluster  # noqa: E402  pylint: disable=wrong-import-position

INVENTORIES = sorted(glob.glob(os.path.join(REPO, 'inventories', 'examples', '*'))) + [
    os.path.join(REPO, 'inventories', name) for name in ('ecmp', 'lab', 'topologies')] + [
    os.path.join(REPO, 'tests', 'bgp', 'inventory')]
TEMPLATES = sorted(os.listdir(os.path.join(REPO, 'roles', 'director', 'templates')))


def director_variables(cluster, host):
    """The director role's variables on host once resolve_hosts.yml has run."""
    variables = cluster.role_vars('director', host)
    variables['ansible_managed'] = 'Ansible managed'
    variables['director_services'] = cluster.director_services(variables)
    variables['director_interfaces'] = cluster.director_interfaces(variables)
    return variables


def render_one(cluster, variables, template):
    try:
        return cluster.render(variables, template)
    except Exception as error:  # pylint: disable=broad-except  # the error is the output
        return 'ERROR %s: %s\n' % (type(error).__name__, error)


def main(outdir):
    count = 0
    for inventory in INVENTORIES:
        cluster = Cluster(inventory)
        for host in cluster.hosts('directors'):
            variables = director_variables(cluster, host)
            target = os.path.join(outdir, os.path.relpath(inventory, REPO), host)
            os.makedirs(target, exist_ok=True)
            for template in TEMPLATES:
                with open(os.path.join(target, template), 'w') as out:
                    out.write(render_one(cluster, variables, template))
                count += 1
    print('%d files rendered into %s' % (count, outdir))


if __name__ == '__main__':
    main(sys.argv[1])
