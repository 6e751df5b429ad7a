# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark of the lvs.cluster.ipvs module against plain ipvsadm, on a real IPVS kernel.

Two halves in one file:

``lab``      (controller) starts a privileged container on the lab's Docker
             engine (DOCKER_HOST), copies in this script, the collection's
             module and module_utils and the controller's ansible.module_utils,
             runs ``measure`` there and removes the container.
``measure``  (inside the container) times, in one run so the ratios compare
             like with like:
             1. converge N services x 2 real servers from an empty table with
                the module vs one ``ipvsadm -R`` of the same rules;
             2. a no-op module run vs ``ipvsadm -S -n`` plus ``python3 -c pass``
                (the least any Python module must do), and two floors: what
                every Ansible module pays (importing AnsibleModule), and what
                any module taking this ``services`` list pays (an AnsibleModule
                that only loads, checks and echoes the same arguments);
             3. a module run changing 1 % of the weights (time, restore lines);
             4. one ``ipvsadm`` process per rule, for the same table.

The module runs the way ``ansible`` debugging runs it: ``python3 ipvs.py
args.json`` with ansible.module_utils on PYTHONPATH; AnsiballZ's own
wrapping (zip payload, temporary directory) is not included.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
IN_CONTAINER = '/bench'
MODULE = IN_CONTAINER + '/lib/ansible_collections/lvs/cluster/plugins/modules/ipvs.py'


# ------------------------------------------------------------ inside the lab

def rules_and_args(count):
    """The same table as ipvsadm rules and as module arguments."""
    lines, services = [], []
    for index in range(count):
        group, host = divmod(index, 200)
        vip = '10.%d.%d.1' % (100 + group, host)
        servers = ['192.168.%d.%d' % (group, 10 + host), '192.168.%d.%d' % (100 + group, 10 + host)]
        lines.append('-A -t %s:80 -s wrr' % vip)
        lines += ['-a -t %s:80 -r %s:80 -g -w 1' % (vip, server) for server in servers]
        services.append(dict(address=vip, port=80, scheduler='wrr', real_servers=[dict(address=server) for server in servers]))
    return lines, services


def timed(command, data=None):
    """Wall-clock seconds of one process; fails loudly if it fails."""
    started = time.perf_counter()
    result = subprocess.run(command, input=data, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit('%s failed (%d): %s %s' % (command, result.returncode, result.stderr, result.stdout[-2000:]))
    return elapsed, result.stdout


# An Ansible module that does nothing with its arguments: the cost of the input itself
# (JSON load, argument_spec validation and its deep copy, logging, the echoed invocation).
ARGUMENTS_ONLY_MODULE = """
from ansible.module_utils.basic import AnsibleModule
AnsibleModule(argument_spec=dict(services=dict(type='list', elements='dict', default=[]))).exit_json(changed=False)
"""


def args_file(services, work):
    path = os.path.join(work, 'args.json')
    with open(path, 'w') as handle:
        json.dump(dict(ANSIBLE_MODULE_ARGS=dict(services=services)), handle)
    return path


def run_module(services, work, module=MODULE):
    elapsed, out = timed([sys.executable, module, args_file(services, work)])
    return elapsed, json.loads(out)


def median(values):
    return statistics.median(values)


def measure(count, repeats, per_rule_limit):
    os.environ['PYTHONPATH'] = IN_CONTAINER + '/lib'
    # Not under /tmp: the image boots systemd, which mounts a fresh /tmp shortly after start.
    work = os.path.join(IN_CONTAINER, 'work')
    os.makedirs(work, exist_ok=True)
    lines, services = rules_and_args(count)
    restore_text = '\n'.join(lines) + '\n'
    results = dict(services=count, real_servers=2 * count, rules=len(lines), repeats=repeats)

    restore, converge = [], []
    for dummy in range(repeats):
        timed(['ipvsadm', '-C'])
        restore.append(timed(['ipvsadm', '-R'], restore_text)[0])
        timed(['ipvsadm', '-C'])
        elapsed, result = run_module(services, work)
        assert result['changed'] and len(result['commands']) == len(lines), result.get('msg')
        converge.append(elapsed)
    results.update(restore_s=median(restore), converge_s=median(converge))

    arguments_only = os.path.join(work, 'arguments_only.py')
    with open(arguments_only, 'w') as handle:
        handle.write(ARGUMENTS_ONLY_MODULE)
    noop, baseline, floor, arguments_floor = [], [], [], []
    for dummy in range(repeats):
        elapsed, result = run_module(services, work)
        assert not result['changed'], result['commands'][:5]
        noop.append(elapsed)
        baseline.append(timed(['ipvsadm', '-S', '-n'])[0] + timed([sys.executable, '-c', 'pass'])[0])
        # What every Ansible module pays before doing anything: Python plus AnsibleModule's import.
        floor.append(timed([sys.executable, '-c', 'from ansible.module_utils.basic import AnsibleModule'])[0])
        arguments_floor.append(run_module(services, work, arguments_only)[0])
    results.update(noop_s=median(noop), save_plus_python_s=median(baseline), ansible_import_floor_s=median(floor),
                   arguments_only_floor_s=median(arguments_floor))

    changed = [dict(service) for service in services]
    picked = changed[::100]  # 1 % of the services get a new weight on their first real server
    for service in picked:
        service['real_servers'] = [dict(service['real_servers'][0], weight=2)] + service['real_servers'][1:]
    elapsed, result = run_module(changed, work)
    results.update(change_1pct_s=elapsed, change_1pct_lines=len(result['commands']), change_1pct_services=len(picked))

    timed(['ipvsadm', '-C'])
    sample = lines[:per_rule_limit] if per_rule_limit else lines
    started = time.perf_counter()
    for line in sample:
        timed(['ipvsadm'] + line.split())
    per_rule = time.perf_counter() - started
    results.update(per_rule_lines=len(sample), per_rule_s=per_rule,
                   per_rule_full_table_s=per_rule * len(lines) / len(sample))

    results.update(
        converge_vs_restore=results['converge_s'] / results['restore_s'],
        noop_vs_save_plus_python=results['noop_s'] / results['save_plus_python_s'],
        import_floor_vs_save_plus_python=results['ansible_import_floor_s'] / results['save_plus_python_s'],
        arguments_floor_vs_save_plus_python=results['arguments_only_floor_s'] / results['save_plus_python_s'],
        speedup_vs_per_rule=results['per_rule_full_table_s'] / results['converge_s'],
    )
    shutil.rmtree(work)
    timed(['ipvsadm', '-C'])
    print(json.dumps(results, indent=2, sort_keys=True))


# ------------------------------------------------------------ controller side

def docker(*args, **kwargs):
    return subprocess.run(['docker'] + list(args), check=True, capture_output=True, text=True, **kwargs).stdout


def bundle():
    """A directory laid out like /bench in the container."""
    import ansible.module_utils  # the controller's, shipped as AnsiballZ would ship it
    root = tempfile.mkdtemp(prefix='ipvs-bench-')
    lib = os.path.join(root, 'lib')
    shutil.copytree(os.path.dirname(ansible.module_utils.__file__), os.path.join(lib, 'ansible', 'module_utils'),
                    ignore=shutil.ignore_patterns('__pycache__', 'csharp', 'powershell'))
    open(os.path.join(lib, 'ansible', '__init__.py'), 'w').close()
    plugins = os.path.join(lib, 'ansible_collections', 'lvs', 'cluster', 'plugins')
    for part in ('modules', 'module_utils'):
        shutil.copytree(os.path.join(os.path.dirname(HERE), 'plugins', part), os.path.join(plugins, part),
                        ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(os.path.abspath(__file__), os.path.join(root, 'ipvs_module.py'))
    return root


def lab(args):
    name = 'bench-ipvs-%d' % os.getpid()
    root = bundle()
    docker('run', '-d', '--privileged', '--name', name, args.image)
    try:
        docker('cp', root + '/.', '%s:%s' % (name, IN_CONTAINER))
        command = ['docker', 'exec', name, 'python3', IN_CONTAINER + '/ipvs_module.py', 'measure',
                   '--services', str(args.services), '--repeats', str(args.repeats),
                   '--per-rule-limit', str(args.per_rule_limit)]
        subprocess.run(command, check=True)
    finally:
        docker('rm', '-f', name)
        shutil.rmtree(root)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=['lab', 'measure'])
    parser.add_argument('--services', type=int, default=2000)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--per-rule-limit', type=int, default=0,
                        help='time only the first N rules one process each and extrapolate (0: all)')
    parser.add_argument('--image', default='lvs-lab/debian12:latest')
    args = parser.parse_args()
    if args.mode == 'lab':
        lab(args)
    else:
        measure(args.services, args.repeats, args.per_rule_limit)


if __name__ == '__main__':
    main()
