# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every shipped inventory resolved by the cluster model as the roles do (resolve.py,
what `make model` prints), against fixtures/model/<inventory>.json: input -> resolved
model, per host and role (a director's services, interfaces and firewall, a real
server's share and firewall, the NFS exports), or the refusal the role stops with.

The real servers' shares in them were first the output of the Jinja template the model
replaced (roles/realserver/templates/served.json.j2, at commit 1912ab2); a change to a
fixture is a change of what the roles do, to be read in review.

Regenerate after an intended change: python tests/hostile/test_model_examples.py
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import json
import os

import pytest

from cluster import REPO
from resolve import plain_model

INVENTORIES = sorted(glob.glob(os.path.join(REPO, 'inventories', 'examples', '*'))) + [
    os.path.join(REPO, 'inventories', name) for name in ('ecmp', 'lab', 'topologies')] + [
    os.path.join(REPO, 'tests', 'bgp', 'inventory')]
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures', 'model')


def fixture_path(inventory):
    return os.path.join(FIXTURES, os.path.basename(inventory) + '.json')


def expected(inventory):
    with open(fixture_path(inventory)) as fixture:
        return json.load(fixture)


@pytest.mark.parametrize('inventory', INVENTORIES, ids=os.path.basename)
def test_each_inventory_is_resolved_as_its_fixture_says(inventory):
    resolved, fixture = plain_model(inventory), expected(inventory)
    assert sorted(resolved) == sorted(fixture)
    for host in fixture:
        assert resolved[host] == fixture[host], host


def test_every_fixture_is_of_a_shipped_inventory():
    assert sorted(os.listdir(FIXTURES)) == sorted(os.path.basename(fixture_path(inventory)) for inventory in INVENTORIES)


if __name__ == '__main__':
    os.makedirs(FIXTURES, exist_ok=True)
    for each in INVENTORIES:
        with open(fixture_path(each), 'w') as handle:
            json.dump(plain_model(each), handle, indent=1, sort_keys=True)
            handle.write('\n')
