# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a role's checks and render its real templates as a play would, without hosts.

ansible-core's own engine does the work: the inventory and its group_vars through
InventoryManager and VariableManager, the role's argument_specs through
ArgumentSpecValidator, the role's defaults, vars and templates from roles/, the
collection's filters through the plugin loader. Only facts are made up (see
fake_facts), and the tasks are not run: the checks a play would run before
writing a file are evaluated here from the task files themselves (fail tasks'
`vars`), so the test follows the roles as they are.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import os

import yaml

from ansible.inventory.manager import InventoryManager
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template
from ansible.vars.hostvars import HostVars
from ansible.vars.manager import VariableManager

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
init_plugin_loader([os.path.join(REPO, '.collections')])


def _trust(data):
    """Case data as if read from a YAML inventory: the templates in it are trusted."""
    if isinstance(data, dict):
        return {key: _trust(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_trust(value) for value in data]
    return trust_as_template(data) if isinstance(data, str) else data


class Refused(Exception):
    """A role's checks refused the variables; args[0] is the list of messages."""


def fake_facts(index, subnet, subnet6=None):
    """Network facts of the index-th host, on the /24 of subnet (a VIP's) and, when
    given, on the /64 of subnet6 (an IPv6 VIP's) as its default IPv6, whose host
    part is written with the digits of the IPv4 one's last number (.11, ::11)."""
    address = '%s.%d' % (subnet.rsplit('.', 1)[0], 11 + index)
    facts = {
        'interfaces': ['lo', 'eth0'],
        'eth0': {'ipv4': {'address': address, 'prefix': '24'}},
        'default_ipv4': {'address': address, 'interface': 'eth0'},
        'all_ipv4_addresses': [address],
        'fqdn': 'host%d.example.com' % index,
        'os_family': 'Debian',
    }
    if subnet6:
        address6 = str(ipaddress.ip_interface(subnet6 + '/64').network[int(str(11 + index), 16)])
        facts['eth0']['ipv6'] = [{'address': address6, 'prefix': '64', 'scope': 'global'}]
        facts.update(default_ipv6={'address': address6, 'interface': 'eth0'}, all_ipv6_addresses=[address6])
    return facts


class Cluster:
    """One inventory with made-up facts, and case variables over it (extra vars)."""

    def __init__(self, inventory, extra_vars=None, host_vars=None, host_facts=None, roles_dir=None):
        self.loader = DataLoader()
        self.roles_dir = roles_dir or os.path.join(REPO, 'roles')
        self.inventory = InventoryManager(loader=self.loader, sources=[inventory])
        self.variables = VariableManager(loader=self.loader, inventory=self.inventory)
        self.variables._extra_vars = _trust(extra_vars or {})
        HostVars(inventory=self.inventory, variable_manager=self.variables, loader=self.loader)  # registers itself
        for name, values in (host_vars or {}).items():
            for key, value in values.items():
                self.variables.set_host_variable(name, key, _trust(value))
        self._set_facts(host_facts or {})

    def _set_facts(self, host_facts):
        hosts = sorted(h.name for h in self.inventory.get_hosts())
        all_vars = self.variables.get_vars(host=self.inventory.get_host(hosts[0]))
        vips = all_vars.get('lvs_vips') or [{'address': '192.0.2.100'}]
        subnet = vips[0]['address'] if isinstance(vips[0].get('address'), str) and vips[0]['address'].count('.') == 3 else '192.0.2.100'
        subnet6 = next((vip['address'] for vip in vips if ':' in str(vip.get('address', ''))), None)
        for index, name in enumerate(hosts):
            facts = fake_facts(index, subnet, subnet6)
            facts.update(host_facts.get(name, {}))
            self.variables.set_host_facts(name, facts)

    def hosts(self, group):
        return [h.name for h in self.inventory.get_hosts(pattern=group)]

    def _role_file(self, role, *parts):
        return os.path.join(self.roles_dir, role, *parts)

    def _load(self, role, *parts):
        path = self._role_file(role, *parts)
        return self.loader.load_from_file(path, trusted_as_template=True) or {} if os.path.exists(path) else {}

    def role_vars(self, role, host):
        """Variables of role on host by precedence: defaults, inventory, role vars, extra vars."""
        hv = self.variables.get_vars(host=self.inventory.get_host(host))
        merged = dict(self._load(role, 'defaults', 'main.yml'))
        merged.update(hv)
        merged.update(self._load(role, 'vars', 'main.yml'))
        merged.update(self._load(role, 'vars', 'Debian.yml'))
        merged.update(self.variables._extra_vars)
        merged['ansible_search_path'] = [self._role_file(role)]
        merged['role_path'] = self._role_file(role)
        return merged

    def check_arguments(self, role, variables, entry='main'):
        """The argument_specs of the role's dependencies (their main entry point),
        then the role's own, as Ansible runs them when the role starts."""
        for dependency in self._dependencies(role):
            self.check_arguments(dependency, variables)
        spec = yaml.safe_load(open(self._role_file(role, 'meta', 'argument_specs.yml')))['argument_specs'][entry]['options']
        given = {name: Templar(loader=self.loader, variables=variables).template(variables[name])
                 for name in spec if name in variables}
        result = ArgumentSpecValidator(spec).validate(given)
        if result.error_messages:
            raise Refused(result.error_messages)

    def _dependencies(self, role):
        """Roles of this collection that meta/main.yml lists as dependencies, by short name."""
        names = (d['role'] if isinstance(d, dict) else d for d in self._load(role, 'meta', 'main.yml').get('dependencies', []))
        return [name.rpartition('.')[2] for name in names]

    def director_services(self, variables):
        """director_services, as the director role's tasks/read_services.yml sets it."""
        task = self._load('director', 'tasks', 'read_services.yml')[1]
        return self.template_value(variables, task['ansible.builtin.set_fact']['director_services'])

    def director_interfaces(self, variables):
        """director_interfaces, as the director role's tasks/resolve_hosts.yml sets it."""
        task = next(t for t in self._load('director', 'tasks', 'resolve_hosts.yml') if 'director_interfaces' in t.get('ansible.builtin.set_fact', {}))
        return self.template_value(variables, task['ansible.builtin.set_fact']['director_interfaces'])

    def firewall_policy(self, role, variables):
        """nft_table_policy, as role's tasks/main.yml passes it to lvs.cluster.nft_table's firewall entry point."""
        return self.firewall_include(role, variables)['nft_table_policy']

    def firewall_include(self, role, variables):
        """Every variable role's tasks/main.yml passes to lvs.cluster.nft_table's firewall entry point, templated."""
        task = next(t for t in self._load(role, 'tasks', 'main.yml')
                    if t.get('ansible.builtin.include_role', {}).get('tasks_from') == 'firewall')
        scope = dict(variables, **task['vars'])   # task vars are templated when used, as in a play
        return {name: self.template_value(scope, scope[name]) for name in task['vars']}

    def served(self, variables):
        """realserver_served, as the realserver role's tasks/validate.yml sets it."""
        task = self._load('realserver', 'tasks', 'validate.yml')[0]
        return self.template_value(variables, task['ansible.builtin.set_fact']['realserver_served'])

    def template_value(self, variables, expression):
        """expression templated; a dict or list from a role's file is templated leaf by leaf (trusted on load)."""
        trusted = trust_as_template(expression) if isinstance(expression, str) else expression
        return Templar(loader=self.loader, variables=variables).template(trusted)

    def render(self, variables, template):
        """A template of the role as ansible.builtin.template writes it."""
        return self.template_value(variables, "{{ lookup('ansible.builtin.template', %r) }}" % template)

    def nft_table(self, family, name, content, host='lvs1'):
        """A table file as lvs.cluster.nft_table writes it around content."""
        v = self.role_vars('nft_table', host)
        v.update({'nft_table_family': family, 'nft_table_name': name, 'nft_table_content': content,
                  'nft_table_description': 'test', 'nft_table_unit': 'lvs-test'})
        return self.render(v, 'table.nft.j2')

    def fwmark_tables(self, variables, host='lvs1'):
        """The director's tables of its own packet rules (tasks/fwmark.yml), by nftables
        family: {family: (its entry of director_fwmark_families, the table file)}."""
        tables = {}
        for entry in self.template_value(variables, '{{ director_fwmark_families }}'):
            content = self.render(dict(variables, director_fwmark=entry), 'fwmark.nft.j2')
            tables[entry['family']] = (entry, self.nft_table(entry['family'], variables['director_fwmark_table'], content, host))
        return tables

    def render_json(self, variables, template):
        return json.loads(self.render(variables, template))

    def run_fail_tasks(self, role, tasks_file, variables):
        """Evaluate the ansible.builtin.fail tasks of a task file: their `vars`,
        then their `msg` when their `when` holds. Raise Refused on the first."""
        for task in self._load(role, 'tasks', tasks_file):
            if 'ansible.builtin.fail' not in task or 'vars' not in task:
                continue
            scope = dict(variables)
            for name, expression in task['vars'].items():
                scope[name] = self.template_value(scope, expression)
            when = task.get('when', [])
            conditions = when if isinstance(when, list) else [when]
            if all(self.template_value(scope, '{{ %s }}' % c) for c in conditions):
                raise Refused(self.template_value(scope, task['ansible.builtin.fail']['msg']))
