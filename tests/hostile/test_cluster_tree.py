# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared cluster tree is declared once, in roles/cluster_tree, and checked before
each role that reads it: ansible-playbook, on this machine, includes each role's
read-only `validate` entry point in check mode with a bad shared value, and the run
must stop at cluster_tree's argument check, naming the variable, before any task of
the role itself."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess

import pytest

from cluster import REPO

PLAY = """
- name: A role's checks, with one bad shared value
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Include the role's validate entry point
      ansible.builtin.include_role:
        name: lvs.cluster.{role}
        tasks_from: validate
"""
BAD_VALUES = {
    'a scheduler that is not one': (
        {'lvs_vips': [{'name': 'web', 'address': '10.0.0.1', 'virtual_router_id': 51}],
         'lvs_virtual_services': [{'name': 'web', 'vip': 'web', 'port': 80, 'scheduler': 'bogus'}]},
        'got: bogus found in lvs_virtual_services'),
    'a firewall switch that is not a boolean': (
        {'lvs_firewall': 'maybe'},
        "'lvs_firewall' is of type"),
}


@pytest.mark.parametrize('value', sorted(BAD_VALUES))
@pytest.mark.parametrize('role', ['director', 'realserver', 'nfs_server'])
def test_a_bad_shared_value_stops_the_role_before_its_tasks(tmp_path, role, value):
    extra_vars, message = BAD_VALUES[value]
    playbook = tmp_path / 'play.yml'
    playbook.write_text(PLAY.format(role=role))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, '.collections'),
               ANSIBLE_FORCE_COLOR='0')
    run = subprocess.run(['ansible-playbook', '--check', '-i', 'localhost,', '-e', json.dumps(extra_vars), str(playbook)],
                         capture_output=True, text=True, env=env, check=False)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert 'TASK [lvs.cluster.cluster_tree : Validating arguments' in output, output
    assert message in output, output
    assert 'TASK [lvs.cluster.%s :' % role not in output, output
