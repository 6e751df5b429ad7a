# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The BGP announcement of a VIP with real FRR, in network namespaces of this
machine: two directors running the frr.conf the director role renders for
tests/bgp/inventory (zebra, bgpd, bfdd of Debian 12's FRR, unpacked by
tests/bgp/tools.sh) and the role's gate (files/lvs-bgp-gate), and a router
running tests/bgp/router.conf, all on one bridge (10.99.1.0/24 and
fd00:99:1::/64: one BGP session per IP version).

Shown, with times printed (run with -s): the sessions and BFD come up; the
router installs the VIP /32, and the IPv6 VIP /128, with one next hop per
director (ECMP); a director
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
VIP6 = 'fd00:99:1::100'
ROUTER6 = 'fd00:99:1::1'
DIRECTORS6 = {'lvs1': 'fd00:99:1::11', 'lvs2': 'fd00:99:1::12'}
GATE = os.path.join(REPO, 'roles', 'director', 'files', 'lvs-bgp-gate')
TIMEOUT = 30

# /proc/net/ip_vs as keepalived leaves it (in the kernel's layout,
# tests/unit/roles/fixtures/proc-net-ip_vs.txt): each VIP's port 80, two real servers.
IPVS_TABLE = """IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  0A630164:0050 mh
  -> 0A630215:0050      Route   {weight}      0          0
  -> 0A630216:0050      Route   {weight}      0          0
TCP  [fd00:0099:0001:0000:0000:0000:0000:0100]:0050 mh
  -> [fd00:0099:0002:0000:0000:0000:0000:0021]:0050      Route   {weight6}      0          0
  -> [fd00:0099:0002:0000:0000:0000:0000:0022]:0050      Route   {weight6}      0          0
"""


def ipvs_table(weight=1, weight6=1):
    """IPVS_TABLE with the weights of the IPv4 VIP's and the IPv6 VIP's real servers."""
    return IPVS_TABLE.format(weight=weight, weight6=weight6)


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


def link(router, node, address, address6, index):
    """A veth from node's namespace to the router's bridge."""
    sh('ip', 'link', 'add', 'lvsbgp%d' % index, 'netns', node.ns, 'type', 'veth', 'peer', 'name', 'lvsbgp%dr' % index, 'netns', router.ns)
    sh('ip', '-n', node.ns, 'link', 'set', 'lvsbgp%d' % index, 'name', 'eth0')
    sh('ip', '-n', node.ns, 'addr', 'add', address + '/24', 'dev', 'eth0')
    sh('ip', '-n', node.ns, 'addr', 'add', address6 + '/64', 'dev', 'eth0', 'nodad')
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
        self.table = write(os.path.join(node.dir, 'ip_vs'), ipvs_table())
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
        sh('ip', '-n', router.ns, 'addr', 'add', ROUTER6 + '/64', 'dev', 'br0', 'nodad')
        sh('ip', '-n', router.ns, 'link', 'set', 'br0', 'up')
        for index, (name, address) in enumerate(sorted(DIRECTORS.items())):
            link(router, nodes[name], address, DIRECTORS6[name], index)
        for node in everyone:
            node.start()
        yield router, {name: Director(node) for name, node in nodes.items()}
    finally:
        for node in everyone:
            node.stop()
            subprocess.run(['ip', 'netns', 'del', node.ns], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def ip_json(namespace, *argv):
    return json.loads(subprocess.run(['ip', '-n', namespace, '-j'] + list(argv), check=True, capture_output=True, text=True).stdout or '[]')


def next_hops(router, prefix=VIP + '/32'):
    """The gateways of the router's kernel route to prefix (one per director with ECMP)."""
    hops = set()
    for route in ip_json(router.ns, '-6' if ':' in prefix else '-4', 'route', 'show', prefix):
        hops.update(hop['gateway'] for hop in route.get('nexthops', []))
        if 'gateway' in route:
            hops.add(route['gateway'])
    return hops


def next_hops6(router):
    """The gateways of the router's kernel route to the IPv6 VIP: the directors' global
    addresses (router.conf prefers them to the link-local ones)."""
    return next_hops(router, VIP6 + '/128')


def established(router):
    peers = dict(router.show_json('show bgp ipv4 unicast summary').get('peers', {}))
    peers.update(router.show_json('show bgp ipv6 unicast summary').get('peers', {}))
    return all(peers.get(a, {}).get('state') == 'Established' for a in list(DIRECTORS.values()) + list(DIRECTORS6.values()))


def bfd_up(router):
    up = {p.get('peer') for p in router.show_json('show bfd peers') if p.get('status') == 'up'}
    return up >= set(DIRECTORS.values()) | set(DIRECTORS6.values())


def vip_path(router, director):
    """The router's BGP path to the VIP learned from director, or None."""
    table = router.show_json('show bgp ipv4 unicast %s/32' % VIP)
    for path in table.get('paths', []):
        if path.get('peer', {}).get('peerId') == DIRECTORS[director]:
            return path
    return None


def sent_on_to(director, vip=VIP):
    """Where director's kernel sends a packet for vip: 'local' while it holds the
    VIP, else the gateway of the route (the gate's second chance), else None."""
    route = ip_json(director.node.ns, 'route', 'get', vip)[0]
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
    wait_until(lambda: established(router), 'BGP sessions router <-> lvs1, lvs2 (IPv4 and IPv6) established')
    wait_until(lambda: bfd_up(router), 'BFD sessions up')
    assert next_hops(router) == set(), 'a VIP was announced before the gate opened'
    for director in directors.values():
        assert director.gate().startswith('announce %s' % VIP)
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'gate opened: router has the VIP /32 via both directors (ECMP)')
    wait_until(lambda: next_hops6(router) == set(DIRECTORS6.values()), 'and the IPv6 VIP /128 via both directors (ECMP)')
    print('  %-68s %6.2f s' % ('from the daemons\' configuration to ECMP', time.monotonic() - start))
    assert vip_path(router, 'lvs1')['community']['string'] == '65001:100'
    # Each family's VIPs go to that family's peer only.
    assert router.show_json('show bgp ipv4 unicast')['routes'].keys() == {VIP + '/32'}
    assert router.show_json('show bgp ipv6 unicast')['routes'].keys() == {VIP6 + '/128'}


def test_the_gate_withdraws_an_ipv6_vip_and_sends_it_on_over_ipv6(lab):
    router, directors = lab
    lvs1 = directors['lvs1']
    print()
    assert sent_on_to(lvs1, VIP6) == 'local'
    start = time.monotonic()
    write(lvs1.table, ipvs_table(weight6=0))
    assert lvs1.gate().splitlines() == ['send %s on to %s' % (VIP6, DIRECTORS6['lvs2']),
                                        'withdraw %s (web6): service web6 has no real server with weight > 0' % VIP6]
    assert sent_on_to(lvs1, VIP6) == DIRECTORS6['lvs2'] and sent_on_to(lvs1) == 'local'
    wait_until(lambda: next_hops6(router) == {DIRECTORS6['lvs2']}, 'no real server of web6 on lvs1: router keeps lvs2 for the /128', start)
    assert next_hops(router) == set(DIRECTORS.values()), 'the IPv4 VIP moved with the IPv6 one'
    start = time.monotonic()
    write(lvs1.table, ipvs_table())
    assert lvs1.gate().splitlines() == ['announce %s (web6)' % VIP6, 'stop sending %s on' % VIP6]
    assert sent_on_to(lvs1, VIP6) == 'local'
    wait_until(lambda: next_hops6(router) == set(DIRECTORS6.values()), 'web6 served again: router has both directors for the /128', start)


@pytest.mark.parametrize('closed_by', ['no_real_server', 'disable_file', 'checker_dead'])
def test_the_gate_withdraws_and_announces_again(lab, closed_by):
    router, directors = lab
    lvs1 = directors['lvs1']
    print()
    close, reopen = {
        'no_real_server': (lambda: write(lvs1.table, ipvs_table(weight=0)), lambda: write(lvs1.table, ipvs_table())),
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
    # The disable file and the checker close the IPv6 VIP too; the IPv4 service's real servers only its own.
    again = [(VIP, 'web')] + ([(VIP6, 'web6')] if closed_by != 'no_real_server' else [])
    assert lvs1.gate().splitlines() == [line % address for address, name in again
                                        for line in ('announce %%s (%s)' % name, 'stop sending %s on')]
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
        write(lvs1.table, ipvs_table(weight=0))
        wait_until(lambda: next_hops(router) == {DIRECTORS['lvs2']}, 'watching gate (poll 0.2 s): last real server out, router keeps lvs2', start)
        start = time.monotonic()
        write(lvs1.table, ipvs_table())
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
    wait_until(lambda: next_hops6(router) == {DIRECTORS6['lvs2']}, 'and the IPv6 VIP (graceful-shutdown covers both families)', start)
    start = time.monotonic()
    lvs1.node.frr_reload(lvs1.frr_conf)
    wait_until(lambda: next_hops(router) == set(DIRECTORS.values()), 'restore (frr-reload.py run included): both directors again', start)
    wait_until(lambda: next_hops6(router) == set(DIRECTORS6.values()), 'and for the IPv6 VIP', start)


def test_a_dead_director_is_dropped_by_bfd(lab):
    router = lab[0]
    print()
    # A dead director sends nothing: its link down, not a clean shutdown.
    sh('ip', '-n', 'lvsbgp-lvs2', 'link', 'set', 'eth0', 'down')
    start = time.monotonic()
    wait_until(lambda: next_hops(router) == {DIRECTORS['lvs1']}, 'lvs2 link down: router drops lvs2 (BFD 3 x 100 ms)', start)
    wait_until(lambda: next_hops6(router) == {DIRECTORS6['lvs1']}, 'and from the IPv6 VIP (BFD over IPv6)', start)
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
