# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The BGP announcement of a VIP with real FRR, in network namespaces of this
machine: two directors running the frr.conf the director role renders for
tests/bgp/inventory (zebra, bgpd, bfdd of Debian 12's FRR, unpacked by
tests/bgp/tools.sh) and the role's gate (files/lvs-bgp-gate), and a router
running tests/bgp/router.conf, all on one bridge (10.99.1.0/24).

Shown, with times printed (run with -s): the sessions and BFD come up; the
router installs the VIP /32 with one next hop per director (ECMP); a director
withdraws it when its gate closes (its IPVS service has no real server of
weight > 0; the operator's disable file; keepalived's checker dead) and
announces it again when it opens, in one pass and as its service runs it
(watching); frr-reload.py
applies `bgp graceful-shutdown` (playbooks/director_drain.yml) and the router
sees the GSHUT community with local-pref 0 and drops that director from ECMP.
The machine's kernel has no IPVS: the gate reads a file in /proc/net/ip_vs's
format instead, which the test writes as keepalived would leave the table.

Needs root, iproute2 and util-linux. Run: LVS_FRR_ROOT=$(tests/bgp/tools.sh) pytest -s tests/bgp
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'hostile'))
sys.path.insert(0, HERE)
from cluster import REPO, Cluster  # noqa: E402  pylint: disable=wrong-import-position
from render_all import director_variables  # noqa: E402  pylint: disable=wrong-import-position

FRR = os.environ.get('LVS_FRR_ROOT', '')
pytestmark = pytest.mark.skipif(not FRR, reason='LVS_FRR_ROOT is not set (LVS_FRR_ROOT=$(tests/bgp/tools.sh))')

VIP = '10.99.1.100'
ROUTER = '10.99.1.1'
DIRECTORS = {'lvs1': '10.99.1.11', 'lvs2': '10.99.1.12'}
GATE = os.path.join(REPO, 'roles', 'director', 'files', 'lvs-bgp-gate')
TIMEOUT = 30

# /proc/net/ip_vs as keepalived leaves it: the VIP's port 80, two real servers.
IPVS_TABLE = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  0A630164:0050 mh (mh-port)
  -> 0A630215:0050      Route   {weight}      0          0
  -> 0A630216:0050      Route   {weight}      0          0
"""


def frr_env():
    libs = [os.path.join(FRR, 'usr/lib/x86_64-linux-gnu'), os.path.join(FRR, 'usr/lib/x86_64-linux-gnu/frr')]
    return dict(os.environ, LD_LIBRARY_PATH=':'.join(libs))


class Node:
    """A network namespace running zebra, bfdd and bgpd, each with its own sockets."""

    def __init__(self, name, workdir, group_file):
        self.name = name
        self.ns = 'lvsbgp-' + name
        self.dir = os.path.join(workdir, name)
        self.group_file = group_file
        self.etc = os.path.join(self.dir, 'etc')
        os.makedirs(os.path.join(self.dir, 'run'))
        os.makedirs(self.etc)
        # vtysh asks PAM for a password unless its vtysh.conf says otherwise.
        write(os.path.join(self.etc, 'vtysh.conf'), 'service integrated-vtysh-config\nusername root nopassword\n')

    def run(self, argv, check=True):
        """argv in the namespace, with an /etc/group that has FRR's vty group (bind-mounted
        in a mount namespace of its own: the machine's file is not touched)."""
        wrapped = ['ip', 'netns', 'exec', self.ns, 'unshare', '-m', 'sh', '-c',
                   'mount --bind "$0" /etc/group && exec "$@"', self.group_file] + argv
        return subprocess.run(wrapped, check=check, capture_output=True, text=True, env=frr_env())

    def start(self):
        for daemon in ('zebra', 'bfdd', 'bgpd'):
            self.run([os.path.join(FRR, 'usr/lib/frr', daemon), '-d', '-u', 'root', '-g', 'root',
                      '--vty_socket', self.dir, '-i', os.path.join(self.dir, daemon + '.pid'),
                      '-z', os.path.join(self.dir, 'zserv.api'), '-A', '127.0.0.1',
                      '--log', 'file:' + os.path.join(self.dir, daemon + '.log')])

    def stop(self):
        for daemon in ('bgpd', 'bfdd', 'zebra'):
            try:
                with open(os.path.join(self.dir, daemon + '.pid')) as pidfile:
                    os.kill(int(pidfile.read()), 15)
            except (OSError, ValueError):
                pass

    def vtysh(self, *args):
        return self.run([os.path.join(FRR, 'usr/bin/vtysh'), '--config_dir', self.etc, '--vty_socket', self.dir] + list(args)).stdout

    def show_json(self, command):
        return json.loads(self.vtysh('-c', command + ' json'))

    def frr_reload(self, config, mode='--reload'):
        return self.run(['python3', os.path.join(FRR, 'usr/lib/frr/frr-reload.py'), mode, '--stdout',
                         '--bindir', os.path.join(FRR, 'usr/bin'), '--confdir', self.etc,
                         '--rundir', os.path.join(self.dir, 'run'), '--vty_socket', self.dir, config])


def sh(*argv):
    subprocess.run(argv, check=True)


def group_file(workdir):
    """/etc/group plus FRR's vty group with root in it (FRR refuses to start otherwise)."""
    with open('/etc/group') as group:
        lines = group.read().splitlines()
    gid = max(int(line.split(':')[2]) for line in lines if line.count(':') == 3 and line.split(':')[2].isdigit()) + 1
    path = os.path.join(workdir, 'group')
    with open(path, 'w') as out:
        out.write('\n'.join(lines + ['frrvty:x:%d:root' % gid]) + '\n')
    return path


def link(router, node, address, index):
    """A veth from node's namespace to the router's bridge."""
    sh('ip', 'link', 'add', 'lvsbgp%d' % index, 'netns', node.ns, 'type', 'veth', 'peer', 'name', 'lvsbgp%dr' % index, 'netns', router.ns)
    sh('ip', '-n', node.ns, 'link', 'set', 'lvsbgp%d' % index, 'name', 'eth0')
    sh('ip', '-n', node.ns, 'addr', 'add', address + '/24', 'dev', 'eth0')
    sh('ip', '-n', node.ns, 'link', 'set', 'eth0', 'up')
    sh('ip', '-n', router.ns, 'link', 'set', 'lvsbgp%dr' % index, 'master', 'br0', 'up')


def render(host, variables_changes=None):
    """The role's frr.conf and gate configuration for host, from tests/bgp/inventory."""
    cluster = Cluster(os.path.join(HERE, 'inventory'))
    variables = director_variables(cluster, host)
    variables.update(variables_changes or {})
    return cluster.render(variables, 'frr.conf.j2'), cluster.render_json(variables, 'bgp-gate.json.j2')


def write(path, text):
    with open(path, 'w') as out:
        out.write(text)
    return path


class Director:
    """A director's FRR and gate files: IPVS table, disable switch, checker pid."""

    def __init__(self, node):
        self.node = node
        frr_conf, gate = render(node.name)
        self.frr_conf = write(os.path.join(node.dir, 'frr.conf'), frr_conf)
        self.table = write(os.path.join(node.dir, 'ip_vs'), IPVS_TABLE.format(weight=1))
        self.checker_pid = write(os.path.join(node.dir, 'checkers.pid'), '%d\n' % os.getpid())
        gate.update(ipvs_table=self.table, disable_file=os.path.join(node.dir, 'bgp-disable'),
                    checker_pidfiles=[self.checker_pid])
        self.disable_file = gate['disable_file']
        self.gate_config = write(os.path.join(node.dir, 'bgp-gate.json'), json.dumps(gate))

    def gate(self):
        """One pass of the gate (lvs-bgp-gate CONFIG)."""
        return self.node.run(['python3', GATE, self.gate_config]).stdout.strip()


def wait_until(predicate, what, start=None):
    """Seconds until predicate holds, from start (default now); printed."""
    start = start or time.monotonic()
    while not predicate():
        if time.monotonic() - start > TIMEOUT:
            raise AssertionError('not within %d s: %s' % (TIMEOUT, what))
        time.sleep(0.02)
    elapsed = time.monotonic() - start
    print('  %-68s %6.2f s' % (what, elapsed))
    return elapsed


@pytest.fixture(scope='module')
def lab():
    workdir = tempfile.mkdtemp(prefix='lvs-bgp-')
    group = group_file(workdir)
    router = Node('router', workdir, group)
    nodes = {name: Node(name, workdir, group) for name in DIRECTORS}
    everyone = [router] + list(nodes.values())
    try:
        for node in everyone:
            sh('ip', 'netns', 'add', node.ns)
            sh('ip', '-n', node.ns, 'link', 'set', 'lo', 'up')
        sh('ip', '-n', router.ns, 'link', 'add', 'br0', 'type', 'bridge')
        sh('ip', '-n', router.ns, 'addr', 'add', ROUTER + '/24', 'dev', 'br0')
        sh('ip', '-n', router.ns, 'link', 'set', 'br0', 'up')
        for index, (name, address) in enumerate(sorted(DIRECTORS.items())):
            link(router, nodes[name], address, index)
        for node in everyone:
            node.start()
        yield router, {name: Director(node) for name, node in nodes.items()}
    finally:
        for node in everyone:
            node.stop()
            subprocess.run(['ip', 'netns', 'del', node.ns], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def next_hops(router):
    """The gateways of the router's kernel route to the VIP (one per director with ECMP)."""
    routes = json.loads(subprocess.run(['ip', '-n', router.ns, '-j', 'route', 'show', VIP + '/32'],
                                       check=True, capture_output=True, text=True).stdout or '[]')
    hops = set()
    for route in routes:
        hops.update(hop['gateway'] for hop in route.get('nexthops', []))
        if 'gateway' in route:
            hops.add(route['gateway'])
    return hops


def established(router):
    peers = router.show_json('show bgp ipv4 unicast summary').get('peers', {})
    return all(peers.get(a, {}).get('state') == 'Established' for a in DIRECTORS.values())


def bfd_up(router):
    return {p.get('peer') for p in router.show_json('show bfd peers') if p.get('status') == 'up'} >= set(DIRECTORS.values())


def vip_path(router, director):
    """The router's BGP path to the VIP learned from director, or None."""
    table = router.show_json('show bgp ipv4 unicast %s/32' % VIP)
    for path in table.get('paths', []):
        if path.get('peer', {}).get('peerId') == DIRECTORS[director]:
            return path
    return None


def sent_on_to(director):
    """Where director's kernel sends a packet for the VIP: 'local' while it holds the
    VIP, else the gateway of the route (the gate's second chance), else None."""
    route = json.loads(subprocess.run(['ip', '-n', director.node.ns, '-j', 'route', 'get', VIP],
                                      check=True, capture_output=True, text=True).stdout)[0]
    return 'local' if route.get('type') == 'local' else route.get('gateway')


def test_the_rendered_frr_conf_is_valid(lab):
    directors = lab[1]
    for director in directors.values():
        result = subprocess.run([os.path.join(FRR, 'usr/bin/vtysh'), '--config_dir', director.node.etc, '-C', '-f', director.frr_conf],
                                capture_output=True, text=True, env=frr_env(), check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_sessions_come_up_and_the_router_learns_the_vip_from_every_director(lab):
    router, directors = lab
    print()
    start = time.monotonic()
    router.vtysh('-f', os.path.join(HERE, 'router.conf'))
    for director in directors.values():
        director.node.vtysh('-f', director.frr_conf)
    wait_until(lambda: established(router), 'BGP sessions router <-> lvs1, lvs2 established')
    wait_until(lambda: bfd_up(router), 'BFD sessions up')
    assert next_hops(router) == set(), 'a VIP was announced before the gate opened'
    for director in directors.values():
        assert director.gate().startswith('announce %s' % VIP)
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'gate opened: router has the VIP /32 via both directors (ECMP)')
    print('  %-68s %6.2f s' % ('from the daemons\' configuration to ECMP', time.monotonic() - start))
    assert vip_path(router, 'lvs1')['community']['string'] == '65001:100'


@pytest.mark.parametrize('closed_by', ['no_real_server', 'disable_file', 'checker_dead'])
def test_the_gate_withdraws_and_announces_again(lab, closed_by):
    router, directors = lab
    lvs1 = directors['lvs1']
    print()
    close, reopen = {
        'no_real_server': (lambda: write(lvs1.table, IPVS_TABLE.format(weight=0)), lambda: write(lvs1.table, IPVS_TABLE.format(weight=1))),
        'disable_file': (lambda: write(lvs1.disable_file, ''), lambda: os.remove(lvs1.disable_file)),
        'checker_dead': (lambda: write(lvs1.checker_pid, '999999\n'), lambda: write(lvs1.checker_pid, '%d\n' % os.getpid())),
    }[closed_by]
    assert sent_on_to(lvs1) == 'local'
    start = time.monotonic()
    close()
    said = lvs1.gate().splitlines()
    # The second chance before the withdrawal: a flow the router still sends lvs1 goes on to lvs2.
    assert said[0] == 'send %s on to %s' % (VIP, DIRECTORS['lvs2']) and said[1].startswith('withdraw %s' % VIP), said
    assert sent_on_to(lvs1) == DIRECTORS['lvs2']
    wait_until(lambda: next_hops(router) == {DIRECTORS['lvs2']}, '%s on lvs1 (gate run included): router keeps lvs2 only' % closed_by, start)
    assert lvs1.gate() == '', 'the gate is not idempotent'
    start = time.monotonic()
    reopen()
    assert lvs1.gate().splitlines() == ['announce %s (web)' % VIP, 'stop sending %s on' % VIP]
    assert sent_on_to(lvs1) == 'local'
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), '%s undone: router has both directors again' % closed_by, start)


def test_the_watching_gate_withdraws_within_its_poll_and_withdraws_all_when_stopped(lab):
    """The gate as its service runs it (--watch, then --withdraw as ExecStopPost)."""
    router, directors = lab
    lvs1 = directors['lvs1']
    print()
    wrapped = ['ip', 'netns', 'exec', lvs1.node.ns, 'python3', GATE, '--watch', '0.2', lvs1.gate_config]
    watcher = subprocess.Popen(wrapped, stdout=subprocess.PIPE, text=True)
    try:
        start = time.monotonic()
        write(lvs1.table, IPVS_TABLE.format(weight=0))
        wait_until(lambda: next_hops(router) == {DIRECTORS['lvs2']}, 'watching gate (poll 0.2 s): last real server out, router keeps lvs2', start)
        start = time.monotonic()
        write(lvs1.table, IPVS_TABLE.format(weight=1))
        wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'watching gate: a real server back, router has both again', start)
    finally:
        watcher.terminate()
        said = watcher.communicate(timeout=10)[0]
    assert said.splitlines()[:4] == ['send %s on to %s' % (VIP, DIRECTORS['lvs2']),
                                     'withdraw %s (web): service web has no real server with weight > 0' % VIP,
                                     'announce %s (web)' % VIP, 'stop sending %s on' % VIP], said
    start = time.monotonic()
    said = lvs1.node.run(['python3', GATE, '--withdraw', lvs1.gate_config]).stdout.splitlines()
    assert said[1].startswith('withdraw %s (web): the gate stopped' % VIP), said
    wait_until(lambda: next_hops(router) == {DIRECTORS['lvs2']}, 'gate stopped (--withdraw): router keeps lvs2', start)
    assert lvs1.gate().startswith('announce %s' % VIP)
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'one pass again: both directors', start)


def test_graceful_shutdown_moves_the_router_off_a_drained_director(lab):
    router, directors = lab
    lvs1 = directors['lvs1']
    print()
    drained_conf = write(lvs1.frr_conf + '.drained', render('lvs1', {'director_bgp_drained': True})[0])
    start = time.monotonic()
    lvs1.node.frr_reload(drained_conf)
    wait_until(lambda: 'graceful-shutdown' in ((vip_path(router, 'lvs1') or {}).get('community') or {}).get('string', ''),
               'drain (frr-reload.py run included): router sees GSHUT from lvs1', start)
    path = vip_path(router, 'lvs1')
    print('  lvs1 path: community %s, local-pref %s' % (path['community']['string'], path.get('locPrf')))
    assert path.get('locPrf') == 0
    wait_until(lambda: next_hops(router) == {DIRECTORS['lvs2']}, 'router forwards the VIP to lvs2 only', start)
    start = time.monotonic()
    lvs1.node.frr_reload(lvs1.frr_conf)
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'restore (frr-reload.py run included): both directors again', start)


def test_a_dead_director_is_dropped_by_bfd(lab):
    router = lab[0]
    print()
    # A dead director sends nothing: its link down, not a clean shutdown.
    sh('ip', '-n', 'lvsbgp-lvs2', 'link', 'set', 'eth0', 'down')
    wait_until(lambda: next_hops(router) == {DIRECTORS['lvs1']}, 'lvs2 link down: router drops lvs2 (BFD 3 x 100 ms)')
    sh('ip', '-n', 'lvsbgp-lvs2', 'link', 'set', 'eth0', 'up')
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'lvs2 link up: session again, router has both directors')


def test_a_second_reload_changes_nothing(lab):
    lvs1 = lab[1]['lvs1']
    lvs1.node.frr_reload(lvs1.frr_conf)
    test = lvs1.node.frr_reload(lvs1.frr_conf, '--test').stdout
    # vtysh shows the machine's host name, which frr.conf does not set: frr-reload.py
    # always offers `no hostname <it>`, which leaves it as it is.
    changes = [line for line in test.splitlines()
               if line.strip() and not line.startswith(('Lines To', '====', '!', 'no hostname '))]
    assert changes == [], test
