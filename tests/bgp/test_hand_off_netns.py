# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The hand-off of a BGP VIP's packets that IPVS did not take (the chain
bgp_hand_off of templates/fwmark.nft.j2), with real nftables in network
namespaces of this machine: a client, and two directors that hold the VIP on
lo, on one bridge. The client's route sends the VIP to lvs1. Each case runs
for the IPv4 VIP (table ip) and the IPv6 one (table ip6).

This machine's kernel has no IPVS, which is the very case the hand-off is for:
a director that holds the VIP while its IPVS service is missing. Shown:
  - without the table, lvs1 refuses the connection (what the client loop of
    molecule/ecmp saw before the gate had withdrawn the VIP);
  - with the table the role renders for lvs1 (tests/bgp/inventory), the
    connection reaches lvs2 (here a listener on the VIP stands for lvs2's IPVS
    and its real server), and lvs2 answers the client directly;
  - when both directors miss the service, the copy is not handed back: the
    second director refuses it, in a handful of packets;
  - a connection lvs1 opens itself to the VIP is not handed off.

Needs root, iproute2, python3, and nft from LVS_HOSTILE_ROOT. Run:
LVS_HOSTILE_ROOT=$(tests/hostile/tools.sh) pytest -s tests/bgp/test_hand_off_netns.py
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import json
import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'hostile'))
sys.path.insert(0, HERE)
import real_tools  # noqa: E402  pylint: disable=wrong-import-position
from cluster import Cluster  # noqa: E402  pylint: disable=wrong-import-position
from render_all import director_variables  # noqa: E402  pylint: disable=wrong-import-position

pytestmark = pytest.mark.skipif(not real_tools.ROOT, reason='LVS_HOSTILE_ROOT is not set (LVS_HOSTILE_ROOT=$(tests/hostile/tools.sh))')

# By nftables family: the BGP VIP of tests/bgp/inventory, the client, the directors.
FAMILIES = {
    'ip': {'vip': '10.99.1.100', 'client': '10.99.1.1', 'directors': {'lvs1': '10.99.1.11', 'lvs2': '10.99.1.12'},
           'host': '/32', 'net': '/24'},
    'ip6': {'vip': 'fd00:99:1::100', 'client': 'fd00:99:1::1', 'directors': {'lvs1': 'fd00:99:1::11', 'lvs2': 'fd00:99:1::12'},
            'host': '/128', 'net': '/64'},
}
PREFIX = 'lvsho-'

# Serves one line, the namespace's name, to every connection on VIP:80.
LISTENER = """
import socket, sys
server = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((sys.argv[1], 80))
server.listen(16)
print('listening', flush=True)
while True:
    connection, _ = server.accept()
    connection.sendall(sys.argv[2].encode() + b'\\n')
    connection.close()
"""

# Connects to VIP:80 from the client; prints the answer or the error's name.
CONNECT = """
import socket, sys
try:
    print(socket.create_connection((sys.argv[1], 80), timeout=float(sys.argv[2])).recv(64).decode().strip())
except OSError as error:
    print(type(error).__name__)
"""


def sh(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def netns(name, *argv):
    return sh('ip', 'netns', 'exec', PREFIX + name, *argv)


def connect(family, timeout=2.0, where='client'):
    return netns(where, sys.executable, '-c', CONNECT, FAMILIES[family]['vip'], str(timeout)).strip()


def hand_off_table(director, family):
    """The table lvs_cluster_fwmark of family the director role writes for director."""
    cluster = Cluster(os.path.join(HERE, 'inventory'))
    return cluster.fwmark_tables(director_variables(cluster, director), director)[family][1]


def nft(director, *argv):
    """nft argv in director's namespace; its output."""
    return subprocess.run(['ip', 'netns', 'exec', PREFIX + director, real_tools.tool('nft')] + list(argv),
                          check=True, capture_output=True, text=True, env=real_tools.tool_env()).stdout


def load(director, table):
    with tempfile.NamedTemporaryFile('w', suffix='.nft') as handle:
        handle.write(table)
        handle.flush()
        nft(director, '-f', handle.name)


def nft_counter(director, family):
    """The packets counted by the hand-off's rule on director. With LVS_CAPTURE_DIR set, the
    listing is kept there as nft-hand-off.json (ip6: nft-hand-off6.json), which
    tests/unit/roles/test_lvs_metrics.py reads."""
    listed = nft(director, '-j', 'list', 'chain', family, 'lvs_cluster_fwmark', 'bgp_hand_off')
    if os.environ.get('LVS_CAPTURE_DIR'):
        name = 'nft-hand-off%s.json' % ('6' if family == 'ip6' else '')
        with open(os.path.join(os.environ['LVS_CAPTURE_DIR'], name), 'w') as capture:
            capture.write(listed)
    return sum(statement['counter']['packets'] for item in json.loads(listed)['nftables'] if 'rule' in item
               for statement in item['rule']['expr'] if 'counter' in statement)


def sent_packets(director):
    return int(netns(director, 'cat', '/sys/class/net/eth0/statistics/tx_packets'))


@contextlib.contextmanager
def serving(director, family):
    """A listener on the VIP in director's namespace: it stands for its IPVS service."""
    listener = subprocess.Popen(['ip', 'netns', 'exec', PREFIX + director, sys.executable, '-c', LISTENER,
                                 FAMILIES[family]['vip'], director],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout.readline().strip() == 'listening'
        yield
    finally:
        listener.kill()
        listener.wait()


@contextlib.contextmanager
def hand_off(family, *directors):
    """The role's table of family loaded on each of directors."""
    try:
        for director in directors:
            load(director, hand_off_table(director, family))
        yield
    finally:
        for director in directors:
            nft(director, 'flush', 'ruleset')


@pytest.fixture(scope='module')
def lab():
    names = ['client', 'lvs1', 'lvs2']
    try:
        for name in names:
            sh('ip', 'netns', 'add', PREFIX + name)
            netns(name, 'ip', 'link', 'set', 'lo', 'up')
            # Links ready at once: no duplicate address detection on the links to come.
            netns(name, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0')
        netns('client', 'ip', 'link', 'add', 'br0', 'type', 'bridge')
        netns('client', 'ip', 'link', 'set', 'br0', 'up')
        for index, name in enumerate(names[1:]):
            sh('ip', 'link', 'add', 'lvsho%d' % index, 'netns', PREFIX + name, 'type', 'veth',
               'peer', 'name', 'lvsho%dc' % index, 'netns', PREFIX + 'client')
            netns(name, 'ip', 'link', 'set', 'lvsho%d' % index, 'name', 'eth0')
            netns(name, 'ip', 'link', 'set', 'eth0', 'up')
            netns('client', 'ip', 'link', 'set', 'lvsho%dc' % index, 'master', 'br0', 'up')
        for each in FAMILIES.values():
            netns('client', 'ip', 'addr', 'add', each['client'] + each['net'], 'dev', 'br0', 'nodad')
            for name in names[1:]:
                netns(name, 'ip', 'addr', 'add', each['directors'][name] + each['net'], 'dev', 'eth0', 'nodad')
                netns(name, 'ip', 'addr', 'add', each['vip'] + each['host'], 'dev', 'lo')
            netns('client', 'ip', 'route', 'add', each['vip'] + each['host'], 'via', each['directors']['lvs1'])
        yield
    finally:
        for name in names:
            subprocess.run(['ip', 'netns', 'del', PREFIX + name], check=False)


BOTH = pytest.mark.parametrize('family', sorted(FAMILIES))


@BOTH
def test_the_director_refuses_without_the_hand_off(lab, family):
    with serving('lvs2', family):
        assert connect(family) == 'ConnectionRefusedError'


@BOTH
def test_the_hand_off_sends_the_connection_to_the_next_director(lab, family):
    assert 'dup to %s drop' % FAMILIES[family]['directors']['lvs2'] in hand_off_table('lvs1', family)
    with serving('lvs2', family), hand_off(family, 'lvs1'):
        answers = [connect(family) for attempt in range(5)]
        handed_off = nft_counter('lvs1', family)
    print('\n  %s: 5 connections to lvs1, which misses the service: answered by %s; %d packets handed off'
          % (family, answers, handed_off))
    assert answers == ['lvs2'] * 5
    assert handed_off >= 5 * 3         # at least each connection's SYN, ACK and request


@BOTH
def test_the_directors_own_connections_are_not_handed_off(lab, family):
    # Their source is the VIP: the real server would answer it on its own lo.
    with serving('lvs2', family), hand_off(family, 'lvs1'):
        answer = connect(family, where='lvs1')
        handed_off = nft_counter('lvs1', family)
    assert (answer, handed_off) == ('ConnectionRefusedError', 0)


@BOTH
def test_a_copy_is_not_handed_off_again(lab, family):
    with hand_off(family, 'lvs1', 'lvs2'):
        before = sent_packets('lvs1') + sent_packets('lvs2')
        answer = connect(family)
        sent = sent_packets('lvs1') + sent_packets('lvs2') - before
    print('\n  %s: both directors miss the service: %s, %d packets sent by them' % (family, answer, sent))
    # lvs1 hands the SYN to lvs2, which refuses it (its TTL or hop limit is 2)
    # rather than sending it back: the SYN, the RST, and ARP or neighbour discovery.
    assert answer == 'ConnectionRefusedError'
    assert sent <= 6
