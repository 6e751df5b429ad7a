# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lab router's resilient ECMP (tests/bgp/resilient-ecmp.sh), in a network
namespace of this machine: a multipath route to the VIP in table main, as zebra
installs it for three directors, is mirrored into a resilient next-hop group; when one
director's next hop goes, only the buckets it held move (a group made afresh
would deal them all out again), and the other directors'
buckets (their flows) stay where they were; when it comes back, it gets buckets again;
when the route goes, so does the mirror.

Needs root and iproute2. Run: pytest -s tests/bgp/test_resilient_ecmp.py
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
NS = 'lvsres'
VIP = '10.99.1.100/32'
GROUP = 260000001
HOPS = {'lvs1': '10.99.1.11', 'lvs2': '10.99.1.12', 'lvs3': '10.99.1.13'}
TIMEOUT = 15


def ip(*argv):
    return subprocess.run(['ip', '-n', NS] + list(argv), check=True, capture_output=True, text=True).stdout


def zebra_route(*directors):
    """Table main's route to the VIP through directors, as zebra installs it."""
    if not directors:
        ip('route', 'del', VIP)
        return
    hops = []
    for director in directors:
        hops += ['nexthop', 'via', HOPS[director], 'dev', 'v0']
    ip('route', 'replace', VIP, 'proto', 'bgp', *hops)


def buckets():
    """Bucket index -> director, of the mirror's resilient group ({} if none)."""
    try:
        listing = json.loads(ip('-j', 'nexthop', 'bucket', 'show', 'id', str(GROUP)) or '[]')
    except subprocess.CalledProcessError:
        return {}
    by_id = {261000000 + int(a.split('.')[2]) * 256 + int(a.split('.')[3]): d for d, a in HOPS.items()}
    return {entry['bucket']['index']: by_id[entry['bucket']['nhid']] for entry in listing}


def mirrored_route():
    return ip('route', 'show', VIP, 'table', '100').strip()


def wait_until(predicate, what):
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > TIMEOUT:
            raise AssertionError('not within %d s: %s' % (TIMEOUT, what))
        time.sleep(0.05)
    print('  %-60s %5.2f s' % (what, time.monotonic() - start))


@pytest.fixture
def router():
    subprocess.run(['ip', 'netns', 'add', NS], check=True)
    mirror = None
    try:
        ip('link', 'set', 'lo', 'up')
        ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1')
        ip('link', 'set', 'v0', 'up')
        ip('link', 'set', 'v1', 'up')
        ip('addr', 'add', '10.99.1.1/24', 'dev', 'v0')
        zebra_route('lvs1', 'lvs2', 'lvs3')
        mirror = subprocess.Popen(['ip', 'netns', 'exec', NS, os.path.join(HERE, 'resilient-ecmp.sh'), VIP])
        yield
    finally:
        if mirror:
            mirror.terminate()
            mirror.wait(10)
        subprocess.run(['ip', 'netns', 'del', NS], check=False)


def test_only_the_leaving_directors_buckets_move(router):
    print()
    wait_until(lambda: set(buckets().values()) == set(HOPS), 'three directors mirrored')
    assert mirrored_route().startswith('10.99.1.100 nhid %d' % GROUP)
    before = buckets()

    zebra_route('lvs2', 'lvs3')
    wait_until(lambda: set(buckets().values()) == {'lvs2', 'lvs3'}, 'lvs1 gone from the group')
    after = buckets()
    kept = {i: d for i, d in before.items() if d != 'lvs1'}
    changed = sorted(i for i in kept if after[i] != kept[i])
    print('  %d buckets: lvs1 held %d; of the others\' %d, %d changed' % (len(before), len(before) - len(kept), len(kept), len(changed)))
    assert changed == [], 'buckets of surviving directors moved'

    zebra_route('lvs1', 'lvs2', 'lvs3')
    wait_until(lambda: set(buckets().values()) == set(HOPS), 'lvs1 back, with buckets again (idle ones, after 1 s)')

    zebra_route()
    wait_until(lambda: mirrored_route() == '', 'route withdrawn: the mirror routes it no more')
