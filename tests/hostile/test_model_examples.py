# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every inventory's real servers, resolved by the cluster model as the realserver role
does (tasks/validate.yml), against fixtures/realserver_share.json: the output of the Jinja
template the model replaced (roles/realserver/templates/served.json.j2, rendered for the
same hosts with the same made-up facts at commit 1912ab2, before its removal).

Regenerate after an intended change: python tests/hostile/test_model_examples.py > tests/hostile/fixtures/realserver_share.json
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import json
import os

import pytest

from cluster import REPO, Cluster

INVENTORIES = sorted(glob.glob(os.path.join(REPO, 'inventories', 'examples', '*'))) + [
    os.path.join(REPO, 'inventories', name) for name in ('ecmp', 'lab', 'topologies')] + [
    os.path.join(REPO, 'tests', 'bgp', 'inventory')]
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'realserver_share.json')


def resolved():
    """'inventory/host' -> realserver_served, for every real server of every inventory."""
    shares = {}
    for inventory in INVENTORIES:
        cluster = Cluster(inventory)
        for host in cluster.hosts('realservers'):
            shares['%s/%s' % (os.path.basename(inventory), host)] = cluster.served(cluster.role_vars('realserver', host))
    return shares


@pytest.fixture(scope='module')
def shares():
    return resolved()


def expected():
    with open(FIXTURE) as fixture:
        return json.load(fixture)


@pytest.mark.parametrize('host', sorted(expected()))
def test_each_real_server_is_resolved_as_before(shares, host):
    assert shares[host] == expected()[host]


def test_no_real_server_is_left_out(shares):
    assert sorted(shares) == sorted(expected())


if __name__ == '__main__':
    print(json.dumps(resolved(), indent=1, sort_keys=True))
