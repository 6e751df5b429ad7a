# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How much of an IPVS ``mh`` (Maglev hashing) table changes when a real server
joins or leaves, and how many flows an ECMP router moves when a director leaves.

    python3 bench/mh_disruption.py               # the tables in docs/scaling-out.md
    python3 bench/mh_disruption.py --seeds 20    # more random server sets, slower

No kernel, no lab: this is arithmetic on a model of the lookup table, written
from the algorithm's description, so anyone can check the figures the docs give.

The model follows Maglev hashing as the NSDI 2016 paper describes it (section
3.4, "Pseudocode 1") with the two details the kernel's scheduler
(net/netfilter/ipvs/ip_vs_mh.c) adds:

- the table has M entries, a prime picked at build time by
  CONFIG_IP_VS_MH_TAB_INDEX (8..17 -> 251 .. 131071; Debian 12's kernel: 12 -> 4093);
- each real server gets a preference list ``(offset + j * skip) mod M`` from two
  hashes of its address and port, and the servers take turns, in the order of
  the kernel's list of real servers, filling their most preferred free entry;
  a server of weight w takes ``w / gcd(weights)`` entries per turn (all shifted
  right when the largest reaches 2**(CONFIG_IP_VS_MH_TAB_INDEX // 2)); weight 0
  takes none.
  The kernel adds a new real server at the head of its list.

The hash functions are stand-ins (keyed BLAKE2b of "address:port", two fixed
keys, as the kernel uses two fixed hsiphash keys): the tables differ from the
kernel's entry by entry, but the fractions measured here are properties of the
algorithm, averaged over random server sets (``--seeds``).

Measured, per table size M and pool size N (equal weights):

- balance: the fewest and most entries a server gets, against M / N;
- remove: entries that change when one server is deleted from the service
  (keepalived deletes a failed server unless inhibit_on_failure is set), the
  floor being that server's own entries (about 1/N);
- add: entries that change when one server is added (the floor: 1/(N+1));
- order: entries that differ between two directors holding the same servers
  and weights, when one of them added one server last (a server that failed
  there and was deleted and added again, or was added at run time);
- weight 0 is not measured apart: with inhibit_on_failure the kernel rebuilds
  the table with the server's last non-zero weight, so nothing changes and the
  server keeps its entries (the "floor" column); without mh-fallback, new
  flows that hash to them find no server.

And, for ECMP, the share of all flows that change next hop when one of n equal
next hops is removed: modulo-n hashing, hash-threshold (RFC 2992; what Linux's
fib_select_multipath does) and the floor that resilient hashing aims at (1/n).
"""

import argparse
import fractions
import hashlib
import math
import random
import sys
import time

# CONFIG_IP_VS_MH_TAB_INDEX 8..17 selects one of these (net/netfilter/ipvs/Kconfig).
PRIMES = (251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071)
KEY1 = b'lvs.cluster mh model, hash one'
KEY2 = b'lvs.cluster mh model, hash two'


def _hash(key, text):
    return int.from_bytes(hashlib.blake2b(text.encode(), key=key, digest_size=8).digest(), 'big')


def preference(name, size):
    """(offset, skip) of a server's preference list in a table of `size` entries."""
    return _hash(KEY1, name) % size, _hash(KEY2, name) % (size - 1) + 1


def turns(weights, size):
    """Entries each server takes per turn, as the kernel derives them from the weights."""
    positive = [w for w in weights if w > 0]
    if not positive:
        return [0] * len(weights)
    gcd = 0
    for w in positive:
        gcd = math.gcd(gcd, w)
    # IP_VS_MH_TAB_BITS is CONFIG_IP_VS_MH_TAB_INDEX / 2 (6 for the default 12).
    tab_bits = (PRIMES.index(size) + 8) // 2 if size in PRIMES else 6
    shift = max(0, (max(positive) // gcd).bit_length() - tab_bits)
    return [((w // gcd) >> shift) or (1 if w else 0) for w in weights]


def populate(size, servers, prefs=None):
    """The lookup table: a list of `size` server names.

    `servers` is a list of (name, weight) in the kernel's list order; `prefs`
    optionally gives each server's (offset, skip) instead of hashing its name.
    """
    if prefs is None:
        prefs = [preference(name, size) for name, _weight in servers]
    per_turn = turns([w for _name, w in servers], size)
    if not any(per_turn):
        return [None] * size
    table = [None] * size
    position = [offset for offset, _skip in prefs]
    filled = 0
    while True:
        for i, (name, _weight) in enumerate(servers):
            skip = prefs[i][1]
            for _turn in range(per_turn[i]):
                entry = position[i]
                while table[entry] is not None:
                    entry = (entry + skip) % size
                table[entry] = name
                position[i] = entry
                filled += 1
                if filled == size:
                    return table


def changed(before, after):
    return sum(1 for a, b in zip(before, after) if a != b) / len(before)


def self_check():
    """The paper's Table 1: 3 backends, M = 7, (offset, skip) = (3, 4), (0, 2), (3, 1)."""
    servers = [('B1', 1), ('B2', 1), ('B3', 1)]
    before = populate(7, servers, prefs=[(3, 4), (0, 2), (3, 1)])
    after = populate(7, [servers[0], servers[2]], prefs=[(3, 4), (3, 1)])
    expected_before = ['B2', 'B1', 'B2', 'B1', 'B3', 'B3', 'B1']
    expected_after = ['B1', 'B1', 'B1', 'B1', 'B3', 'B3', 'B3']
    if before != expected_before or after != expected_after:
        raise SystemExit(f"self-check against the paper's Table 1 failed: {before} {after}")


def server_names(count, rng):
    """`count` distinct random "address:port" names in 10.0.0.0/8."""
    names = set()
    while len(names) < count:
        names.add(f'10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}:80')
    return sorted(names)


def measure(size, count, seeds, max_removals):
    """Averages over `seeds` random server sets of `count` servers in a table of `size`."""
    totals = {'min': 0.0, 'max': 0.0, 'remove': 0.0, 'remove_floor': 0.0, 'add': 0.0, 'order': 0.0}
    for seed in range(seeds):
        rng = random.Random(f'{size}-{count}-{seed}')
        names = server_names(count + 1, rng)
        newcomer = names.pop(rng.randrange(len(names)))
        # The director added them in this order; the kernel puts each new one at the head of its list.
        servers = [(name, 1) for name in reversed(names)]
        base = populate(size, servers)
        shares = [base.count(name) for name, _weight in servers]
        totals['min'] += min(shares) * count / size
        totals['max'] += max(shares) * count / size
        victims = rng.sample(range(count), min(count, max_removals)) if count > 1 else []
        remove = floor = 0.0
        for victim in victims:
            after = populate(size, servers[:victim] + servers[victim + 1:])
            remove += changed(base, after)
            floor += shares[victim] / size
        if victims:
            totals['remove'] += remove / len(victims)
            totals['remove_floor'] += floor / len(victims)
        totals['add'] += changed(base, populate(size, [(newcomer, 1)] + servers))
        # Another director deleted and re-added one server (a local check flap): it is now first.
        flapped = rng.randrange(1, count) if count > 1 else 0
        reordered = [servers[flapped]] + servers[:flapped] + servers[flapped + 1:]
        totals['order'] += changed(base, populate(size, reordered))
    return {key: value / seeds for key, value in totals.items()}


def ecmp_moved(hops):
    """Share of flows that change next hop when one of `hops` equal next hops goes, averaged over which."""
    modulo = threshold = fractions.Fraction(0)
    period = hops * (hops - 1)
    for gone in range(hops):
        remaining = [h for h in range(hops) if h != gone]
        moved = sum(1 for value in range(period) if remaining[value % (hops - 1)] != value % hops)
        modulo += fractions.Fraction(moved, period)
        kept = fractions.Fraction(0)
        for new_index, hop in enumerate(remaining):
            low = max(fractions.Fraction(hop, hops), fractions.Fraction(new_index, hops - 1))
            high = min(fractions.Fraction(hop + 1, hops), fractions.Fraction(new_index + 1, hops - 1))
            kept += max(fractions.Fraction(0), high - low)
        threshold += 1 - kept
    return float(modulo / hops), float(threshold / hops), 1.0 / hops


def pct(value):
    return f'{100 * value:.1f} %' if value >= 0.001 else f'{100 * value:.2f} %'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[251, 4093, 65521], choices=PRIMES)
    parser.add_argument('--servers', type=int, nargs='+', default=[2, 5, 10, 100])
    parser.add_argument('--seeds', type=int, default=5, help='random server sets per cell (default 5)')
    parser.add_argument('--removals', type=int, default=10, help='servers removed in turn per set, at most (default 10)')
    parser.add_argument('--hops', type=int, nargs='+', default=[2, 3, 4, 8, 10, 16, 32, 100])
    args = parser.parse_args(argv)
    started = time.monotonic()
    self_check()
    print('Self-check: the model reproduces the Maglev paper\'s Table 1 (M = 7, B2 removed).')
    print()
    print(f'mh lookup table, equal weights; mean of {args.seeds} random server sets per row, '
          f'up to {args.removals} removals each.')
    print()
    print('| M | N | entries per server, min-max (x M/N) | remove 1: entries changed | '
          'floor (its entries) | add 1: entries changed | floor 1/(N+1) | '
          'same servers, other order |')
    print('|---|---|---|---|---|---|---|---|')
    for size in args.sizes:
        for count in args.servers:
            if count > size:
                continue
            r = measure(size, count, args.seeds, args.removals)
            print(f"| {size} | {count} | {r['min']:.2f}-{r['max']:.2f} | {pct(r['remove'])} | {pct(r['remove_floor'])} | "
                  f"{pct(r['add'])} | {pct(1.0 / (count + 1))} | {pct(r['order'])} |")
    print()
    print('ECMP: share of all flows that change director when one of n directors leaves '
          '(mean over which one).')
    print()
    print('| n | modulo-n | hash-threshold (Linux) | resilient (floor, 1/n) |')
    print('|---|---|---|---|')
    for hops in args.hops:
        if hops < 2:
            continue
        modulo, threshold, floor = ecmp_moved(hops)
        print(f'| {hops} | {pct(modulo)} | {pct(threshold)} | {pct(floor)} |')
    print()
    print(f'({time.monotonic() - started:.0f} s)', file=sys.stderr)


if __name__ == '__main__':
    main()
