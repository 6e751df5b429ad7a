# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The hand-off of a BGP VIP's packets that IPVS did not take (the chain
bgp_hand_off of templates/fwmark.nft.j2), with real nftables in network
namespaces of this machine: a client, and two directors that hold the VIP on
lo, on one bridge. The client's route sends the VIP to lvs1.

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

VIP = '10.99.1.100'
CLIENT = '10.99.1.1'
DIRECTORS = {'lvs1': '10.99.1.11', 'lvs2': '10.99.1.12'}
PREFIX = 'lvsho-'

# Serves one line, the namespace's name, to every connection on VIP:80.
LISTENER = """
import socket, sys
server = socket.socket()
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


def connect(timeout=2.0, where='client'):
    return netns(where, sys.executable, '-c', CONNECT, VIP, str(timeout)).strip()


def hand_off_table(director):
    """The table ip lvs_cluster_fwmark the director role writes for director."""
    cluster = Cluster(os.path.join(HERE, 'inventory'))
    variables = director_variables(cluster, director)
    return cluster.nft_table('ip', variables['director_fwmark_table'], cluster.render(variables, 'fwmark.nft.j2'), director)


def nft(director, *argv):
    """nft argv in director's namespace; its output."""
    return subprocess.run(['ip', 'netns', 'exec', PREFIX + director, real_tools.tool('nft')] + list(argv),
                          check=True, capture_output=True, text=True, env=real_tools.tool_env()).stdout


def load(director, table):
    with tempfile.NamedTemporaryFile('w', suffix='.nft') as handle:
        handle.write(table)
        handle.flush()
        nft(director, '-f', handle.name)


def nft_counter(director):
    """The packets counted by the hand-off's rule on director. With LVS_CAPTURE_DIR set, the
    listing is kept there as nft-hand-off.json (tests/unit/fixtures/metrics/capture.sh)."""
    listed = nft(director, '-j', 'list', 'chain', 'ip', 'lvs_cluster_fwmark', 'bgp_hand_off')
    if os.environ.get('LVS_CAPTURE_DIR'):
        with open(os.path.join(os.environ['LVS_CAPTURE_DIR'], 'nft-hand-off.json'), 'w') as capture:
            capture.write(listed)
    return sum(statement['counter']['packets'] for item in json.loads(listed)['nftables'] if 'rule' in item
               for statement in item['rule']['expr'] if 'counter' in statement)


def sent_packets(director):
    return int(netns(director, 'cat', '/sys/class/net/eth0/statistics/tx_packets'))


@contextlib.contextmanager
def serving(director):
    """A listener on the VIP in director's namespace: it stands for its IPVS service."""
    listener = subprocess.Popen(['ip', 'netns', 'exec', PREFIX + director, sys.executable, '-c', LISTENER, VIP, director],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout.readline().strip() == 'listening'
        yield
    finally:
        listener.kill()
        listener.wait()


@contextlib.contextmanager
def hand_off(*directors):
    """The role's table loaded on each of directors."""
    try:
        for director in directors:
            load(director, hand_off_table(director))
        yield
    finally:
        for director in directors:
            nft(director, 'flush', 'ruleset')


@pytest.fixture(scope='module')
def lab():
    names = ['client'] + sorted(DIRECTORS)
    try:
        for name in names:
            sh('ip', 'netns', 'add', PREFIX + name)
            netns(name, 'ip', 'link', 'set', 'lo', 'up')
        netns('client', 'ip', 'link', 'add', 'br0', 'type', 'bridge')
        netns('client', 'ip', 'addr', 'add', CLIENT + '/24', 'dev', 'br0')
        netns('client', 'ip', 'link', 'set', 'br0', 'up')
        for index, (name, address) in enumerate(sorted(DIRECTORS.items())):
            sh('ip', 'link', 'add', 'lvsho%d' % index, 'netns', PREFIX + name, 'type', 'veth',
               'peer', 'name', 'lvsho%dc' % index, 'netns', PREFIX + 'client')
            netns(name, 'ip', 'link', 'set', 'lvsho%d' % index, 'name', 'eth0')
            netns(name, 'ip', 'addr', 'add', address + '/24', 'dev', 'eth0')
            netns(name, 'ip', 'link', 'set', 'eth0', 'up')
            netns(name, 'ip', 'addr', 'add', VIP + '/32', 'dev', 'lo')
            netns('client', 'ip', 'link', 'set', 'lvsho%dc' % index, 'master', 'br0', 'up')
        netns('client', 'ip', 'route', 'add', VIP + '/32', 'via', DIRECTORS['lvs1'])
        yield
    finally:
        for name in names:
            subprocess.run(['ip', 'netns', 'del', PREFIX + name], check=False)


def test_the_director_refuses_without_the_hand_off(lab):
    with serving('lvs2'):
        assert connect() == 'ConnectionRefusedError'


def test_the_hand_off_sends_the_connection_to_the_next_director(lab):
    assert 'dup to %s drop' % DIRECTORS['lvs2'] in hand_off_table('lvs1')
    with serving('lvs2'), hand_off('lvs1'):
        answers = [connect() for attempt in range(5)]
        handed_off = nft_counter('lvs1')
    print('\n  5 connections to lvs1, which misses the service: answered by %s; %d packets handed off'
          % (answers, handed_off))
    assert answers == ['lvs2'] * 5
    assert handed_off >= 5 * 3         # at least each connection's SYN, ACK and request


def test_the_directors_own_connections_are_not_handed_off(lab):
    # Their source is the VIP: the real server would answer it on its own lo.
    with serving('lvs2'), hand_off('lvs1'):
        answer = connect(where='lvs1')
        handed_off = nft_counter('lvs1')
    assert (answer, handed_off) == ('ConnectionRefusedError', 0)


def test_a_copy_is_not_handed_off_again(lab):
    with hand_off('lvs1', 'lvs2'):
        before = sent_packets('lvs1') + sent_packets('lvs2')
        answer = connect()
        sent = sent_packets('lvs1') + sent_packets('lvs2') - before
    print('\n  both directors miss the service: %s, %d packets sent by them' % (answer, sent))
    # lvs1 hands the SYN to lvs2, which refuses it (its TTL is 2) rather than
    # sending it back: the SYN, the RST, and ARP.
    assert answer == 'ConnectionRefusedError'
    assert sent <= 6
