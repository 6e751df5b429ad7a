# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""DOCUMENTATION and argument_spec say the same thing (what validate-modules checks, available offline).

The ipvs module declares ``services`` without suboptions and validates its
fields in module_utils (ipvs_input.SERVICE_OPTIONS); the documented
suboptions must match those.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import yaml

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_input
from ansible_collections.lvs.cluster.plugins.modules import ipvs as ipvs_module
from ansible_collections.lvs.cluster.plugins.modules import ipvs_info

MODULES = [pytest.param(ipvs_module, id='ipvs'), pytest.param(ipvs_info, id='ipvs_info')]
SPEC_KEYS = ('type', 'default', 'choices', 'elements', 'required')


def compare(documented, spec, path=''):
    """Differences between documented options and an argument_spec, as readable strings."""
    problems = ['%s%s: documented only' % (path, name) for name in set(documented) - set(spec)]
    problems += ['%s%s: in argument_spec only' % (path, name) for name in set(spec) - set(documented)]
    for name in set(documented) & set(spec):
        doc, arg = documented[name], spec[name]
        for key in SPEC_KEYS:
            default = 'str' if key == 'type' else (False if key == 'required' else None)
            if doc.get(key, default) != arg.get(key, default):
                problems.append('%s%s.%s: documented %r, argument_spec %r' % (path, name, key, doc.get(key), arg.get(key)))
        if not doc.get('description'):
            problems.append('%s%s: no description' % (path, name))
        if 'options' in arg:  # like validate-modules: suboptions are checked where the spec has them
            problems += compare(doc.get('suboptions', {}), arg['options'], '%s%s.' % (path, name))
    return problems


@pytest.mark.parametrize('module', MODULES)
def test_documentation_matches_argument_spec(module):
    documentation = yaml.safe_load(module.DOCUMENTATION)
    assert compare(documentation['options'], module.ARGUMENT_SPEC) == []


def test_documented_service_fields_are_the_validated_ones():
    documented = yaml.safe_load(ipvs_module.DOCUMENTATION)['options']['services']
    assert 'options' not in ipvs_module.ARGUMENT_SPEC['services']
    assert compare(documented['suboptions'], ipvs_input.SERVICE_OPTIONS, 'services.') == []


@pytest.mark.parametrize('module', MODULES)
def test_examples_and_return_are_yaml(module):
    assert yaml.safe_load(module.EXAMPLES)
    documented = yaml.safe_load(module.RETURN)
    assert all(value.get('description') and value.get('returned') and value.get('type') for value in documented.values())


def test_examples_use_only_documented_options():
    options = yaml.safe_load(ipvs_module.DOCUMENTATION)['options']
    for task in yaml.safe_load(ipvs_module.EXAMPLES):
        args = task['lvs.cluster.ipvs']
        assert set(args) <= set(options)
        for service in args['services']:
            assert set(service) <= set(options['services']['suboptions'])
