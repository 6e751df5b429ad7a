# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every role entry point a playbook names (include_role/import_role tasks_from)
exists: ansible-lint does not look, and a renamed task file breaks the playbook
only when it runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os

import pytest
import yaml

REPO = os.path.join(os.path.dirname(__file__), '..', '..', '..')
PLAYBOOKS = sorted(glob.glob(os.path.join(REPO, 'playbooks', '**', '*.yml'), recursive=True))
ROLE_ACTIONS = ('ansible.builtin.include_role', 'ansible.builtin.import_role')


def walk(node):
    """Every mapping in a parsed YAML document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def role_entry_points():
    for path in PLAYBOOKS:
        with open(path) as handle:
            document = yaml.safe_load(handle)
        for task in walk(document):
            for action in ROLE_ACTIONS:
                call = task.get(action)
                if isinstance(call, dict) and 'tasks_from' in call:
                    yield os.path.relpath(path, REPO), call['name'], call['tasks_from']


@pytest.mark.parametrize('playbook, role, tasks_from', list(role_entry_points()))
def test_the_entry_point_exists(playbook, role, tasks_from):
    name = role.split('.')[-1]
    path = os.path.join(REPO, 'roles', name, 'tasks', tasks_from + ('' if tasks_from.endswith('.yml') else '.yml'))
    assert os.path.isfile(path), '%s: role %s has no tasks/%s' % (playbook, role, os.path.basename(path))


def test_the_playbooks_name_entry_points():
    assert len(list(role_entry_points())) >= 5
