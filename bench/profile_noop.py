# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where a large no-op run of the ipvs module spends its time, natively, without a kernel.

Runs the module's main() in-process on the controller with ipvsadm's output
served from memory (the unit tests' fake kernel), so only Python is timed:
as shipped, without the returned table, without argument_spec suboptions,
and without both. Best of --runs. Run from the repository root:

    .venv/bin/python bench/profile_noop.py --services 2000
"""

from __future__ import absolute_import, division, print_function

import argparse
import contextlib
import io
import os
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
    args = parser.parse_args()
    import_collection()

    from ansible.module_utils import basic
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.lvs.cluster.plugins.module_utils import ipvs
    from ansible_collections.lvs.cluster.plugins.modules import ipvs as module
    from ansible_collections.lvs.cluster.tests.unit.plugins.fake_kernel import FakeKernel
    from ipvs_module import rules_and_args

    lines, services = rules_and_args(args.services)
    kernel = FakeKernel(ipvs.parse_save('\n'.join(lines)))
    basic.AnsibleModule.run_command = lambda self, command, data=None, **kwargs: kernel.run(command, data)
    basic.AnsibleModule.get_bin_path = lambda self, name, required=False, opt_dirs=None: '/sbin/' + name
    module.PROC_IPVS = os.devnull  # exists: ip_vs counts as loaded

    def best(label):
        times = []
        for dummy in range(args.runs):
            with patch_module_args(dict(services=services)), contextlib.redirect_stdout(io.StringIO()):
                started = time.perf_counter()
                try:
                    module.main()
                except SystemExit:
                    pass
                times.append(time.perf_counter() - started)
        print('%-45s %.3f s' % (label, min(times)))

    best('as shipped')
    table_result = module.table_result
    module.table_result = lambda table: []
    best('without returning services')
    suboptions = module.ARGUMENT_SPEC['services'].pop('options')
    best('without returning services, without suboptions')
    module.table_result = table_result
    best('without suboptions')
    module.ARGUMENT_SPEC['services']['options'] = suboptions


if __name__ == '__main__':
    main()
