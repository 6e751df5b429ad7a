# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where a large no-op run of the ipvs module spends its time, natively, without a kernel.

Runs the module's main() in-process on the controller with ipvsadm's output
served from memory (the unit tests' fake kernel, its answers computed once
and reused so that only the module is timed): as shipped, with
return_table=true, and an AnsibleModule that only takes the same arguments
(what any module with this ``services`` list pays). Best of --runs; with
--profile, a cProfile listing of one shipped run instead. Run from the
repository root:

    .venv/bin/python bench/profile_noop.py --services 2000
"""

from __future__ import absolute_import, division, print_function

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def import_collection():
    """Make the checkout importable as ansible_collections.lvs.cluster."""
    root = tempfile.mkdtemp(prefix='lvs-cluster-bench-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'lvs'))
    os.symlink(os.path.dirname(HERE), os.path.join(root, 'ansible_collections', 'lvs', 'cluster'))
    sys.path.insert(0, root)
    sys.path.insert(0, HERE)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--services', type=int, default=2000)
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument('--profile', action='store_true')
    args = parser.parse_args()
    import_collection()

    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.lvs.cluster.plugins.module_utils import ipvs_kernel, ipvs_text
    from ansible_collections.lvs.cluster.plugins.modules import ipvs as module
    from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel
    from ipvs_module import rules_and_args

    lines, services = rules_and_args(args.services)
    kernel, answers = FakeKernel(ipvs_text.parse_save('\n'.join(lines))), {}

    def run_command(self, command, data=None, **kwargs):
        key = (tuple(command[1:]), data)
        if key not in answers:
            answers[key] = kernel.run(command, data)
        return answers[key]

    basic.AnsibleModule.run_command = run_command
    basic.AnsibleModule.get_bin_path = lambda self, name, required=False, opt_dirs=None: '/sbin/' + name
    ipvs_kernel.PROC_IPVS = os.devnull  # exists: ip_vs counts as loaded

    def arguments_only():
        basic.AnsibleModule(argument_spec=module.ARGUMENT_SPEC).exit_json(changed=False)

    def once(function, module_args):
        with patch_module_args(module_args), contextlib.redirect_stdout(io.StringIO()):
            started = time.perf_counter()
            try:
                function()
            except SystemExit:
                pass
            return time.perf_counter() - started

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(once, module.main, dict(services=services))
        pstats.Stats(profile).sort_stats('cumulative').print_stats(40)
        return
    for label, function, module_args in (
            ('as shipped', module.main, dict(services=services)),
            ('with return_table=true', module.main, dict(services=services, return_table=True)),
            ('AnsibleModule taking the same arguments only', arguments_only, dict(services=services))):
        print('%-45s %.3f s' % (label, min(once(function, module_args) for dummy in range(args.runs))))


if __name__ == '__main__':
    main()
