# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An in-memory IPVS table that answers like ipvsadm, built on the model.

It is for logic tests of the modules (check mode, diff, verification); the
behaviour of the real kernel is covered by the fixtures captured from it and
by the Molecule scenario.  Semantics copied from what the lab kernel did:
``ipvsadm -R`` stops at a line it cannot parse (exit 2) but reports a line
the kernel refuses on stderr and carries on; the save format has no
thresholds; a scheduler the kernel lacks is refused.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_model, ipvs_text

KERNEL_SCHEDULERS = ('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh')


class FakeKernel(object):

    def __init__(self, table=None, schedulers=KERNEL_SCHEDULERS):
        self.table = dict((key, service.copy()) for key, service in (table or {}).items())
        self.schedulers = schedulers
        self.restores = []
        self.commands = []

    # -- ipvsadm -R

    def restore(self, text):
        """Apply rules like ``ipvsadm -R``; returns (rc, stderr)."""
        self.restores.append(text)
        errors = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                rule = ipvs_text.parse_rule(line)
            except ipvs_model.ParseError:
                errors.append('illegal option in %s' % line)
                return 2, '\n'.join(errors)
            error = self._apply(rule)
            if error:
                errors.append(error)
        return 0, '\n'.join(errors)

    def _apply(self, rule):
        key, service, real_server = rule.service.key, self.table.get(rule.service.key), rule.real_server
        if rule.command in ('-A', '-E'):
            if rule.service.scheduler not in self.schedulers:
                return 'Scheduler or persistence engine not found'
            if (rule.command == '-A') == (service is not None):
                return 'Service already exists' if service else 'No such service'
            self.table[key] = rule.service.copy(real_servers=service.real_servers.values() if service else ())
        elif rule.command == '-D':
            if self.table.pop(key, None) is None:
                return 'No such service'
        elif service is None:
            return 'Service not defined'
        elif rule.command == '-d':
            if service.real_servers.pop(real_server.key, None) is None:
                return 'No such destination'
        else:
            if (rule.command == '-a') == (real_server.key in service.real_servers):
                return 'Destination already exists' if rule.command == '-a' else 'No such destination'
            if real_server.lower_threshold > real_server.upper_threshold:
                return 'Numerical result out of range'
            service.real_servers[real_server.key] = real_server
        return None

    # -- ipvsadm output

    def save(self):
        """``ipvsadm -S -n``: like the model's rendering, minus the thresholds."""
        lines = []
        for service in ipvs_model.sorted_services(self.table):
            lines.append(ipvs_text.render_service('-A', service))
            for real_server in ipvs_model.sorted_real_servers(service):
                fields = real_server.to_dict()
                fields.update(upper_threshold=0, lower_threshold=0)
                lines.append(ipvs_text.render_real_server('-a', service.key, ipvs_model.RealServer(**fields)))
        return ''.join(line + '\n' for line in lines)

    def listing(self, columns):
        """``ipvsadm -L -n`` in one of its variants; ``columns(item)`` gives each line's numbers."""
        lines = ['IP Virtual Server version 1.2.1 (size=4096)', 'Prot LocalAddress:Port', '  -> RemoteAddress:Port']
        for service in ipvs_model.sorted_services(self.table):
            key = service.key
            if key.fwmark:
                name = 'FWM  %d%s' % (key.fwmark, ' IPv6' if key.family == 'ipv6' else '')
            else:
                name = '%-4s %s' % (key.protocol.upper(), ipvs_model.format_endpoint(key.address, key.port))
            lines.append(' '.join([name] + [str(value) for value in columns(service)]))
            for real_server in ipvs_model.sorted_real_servers(service):
                lines.append('  -> %-28s %s' % (ipvs_model.format_endpoint(real_server.address, real_server.port),
                                                ' '.join(str(value) for value in columns(real_server))))
        return ''.join(line + '\n' for line in lines)

    def run(self, args, data=None):
        """Answer an ipvsadm (or modprobe) command line like AnsibleModule.run_command."""
        self.commands.append(list(args))
        if args[0].endswith('modprobe'):
            return 0, '', ''
        options = args[1:]
        if options == ['-S', '-n']:
            return 0, self.save(), ''
        if options == ['-R']:
            rc, err = self.restore(data or '')
            return rc, '', err
        if options[:2] == ['-L', '-n']:
            return 0, self.listing(self._columns(options[2:])), ''
        raise AssertionError('unexpected command %r' % (args,))

    @staticmethod
    def _columns(options):
        if '--thresholds' in options:
            return lambda item: ([item.upper_threshold, item.lower_threshold, 0, 0]
                                 if isinstance(item, ipvs_model.RealServer) else [item.scheduler])
        if '--persistent-conn' in options:
            return lambda item: ([item.weight, 0, 0, 0] if isinstance(item, ipvs_model.RealServer) else [item.scheduler])
        if '--stats' in options or '--rate' in options:
            return lambda item: [7, 70, 0, 7000, 0]
        raise AssertionError('unexpected listing %r' % (options,))
