# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The roles' argument specs: the shared cluster tree (lvs_*) is declared in
roles/cluster_tree only, and no spec holds a Jinja delimiter (Ansible templates
the spec when it builds the validation task, so `{{ groups['x'] }}` in a
description fails every inventory without that group)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import glob
import os

import pytest
import yaml

REPO = os.path.join(os.path.dirname(__file__), '..', '..', '..')
SPECS = sorted(glob.glob(os.path.join(REPO, 'roles', '*', 'meta', 'argument_specs.yml')))


def role_of(path):
    return os.path.basename(os.path.dirname(os.path.dirname(path)))


def declared_options(path):
    """(entry point, option) for every top-level option of every entry point."""
    with open(path) as spec:
        entry_points = yaml.safe_load(spec)['argument_specs']
    for entry, spec in entry_points.items():
        for option in spec.get('options') or {}:
            yield entry, option


@pytest.mark.parametrize('path', SPECS, ids=role_of)
def test_shared_variables_are_declared_in_cluster_tree_only(path):
    shared = sorted('%s: %s' % pair for pair in declared_options(path) if pair[1].startswith('lvs_'))
    if role_of(path) == 'cluster_tree':
        assert shared, 'cluster_tree declares no lvs_* variable'
    else:
        assert shared == [], 'declared again outside roles/cluster_tree'


@pytest.mark.parametrize('path', SPECS, ids=role_of)
def test_no_spec_holds_a_jinja_delimiter(path):
    with open(path) as spec:
        lines = [(number, line) for number, line in enumerate(spec, 1) if '{{' in line or '{%' in line]
    assert lines == []
