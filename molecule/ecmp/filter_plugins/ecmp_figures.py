# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""molecule/ecmp's figures of one operation under load (tasks/under_load.yml):
what the client saw, where each long-lived connection was before and after,
and when the router's next hops changed. Test code of the scenario, not part
of the collection's interface."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def to_vip(fields, vip):
    """Whether a line of `ipvsadm -Lnc` (split) is a connection to vip, port aside;
    an IPv6 address is printed in brackets there."""
    return len(fields) == 6 and fields[4].rsplit(':', 1)[0].strip('[]') == vip


def held_ports_by_director(tables, vip, ports):
    """{director: [held client ports in its IPVS connection table]} from the
    output of `ipvsadm -Lnc` on each director."""
    found = {}
    wanted = set(ports)
    for director, text in tables.items():
        found[director] = sorted(
            int(fields[3].rsplit(':', 1)[1]) for fields in (line.split() for line in text.splitlines())
            if to_vip(fields, vip) and fields[2] == 'ESTABLISHED' and int(fields[3].rsplit(':', 1)[1]) in wanted)
    return found


def traced(failure, tables, vip, since):
    """A failed request of the client loop, with its time after `since` and where its
    connection is in the directors' IPVS tables (by its local port): a list of
    'director STATE -> real server', empty when no director has it."""
    port = failure.get('port')
    seen = []
    for director, text in sorted(tables.items()):
        for fields in (line.split() for line in text.splitlines()):
            if port and to_vip(fields, vip) and fields[3].rsplit(':', 1)[1] == str(port):
                seen.append('%s %s -> %s' % (director, fields[2], fields[5]))
    return {'after': round(failure['epoch'] - since, 2), 'error': failure['error'], 'port': port, 'seen_on': seen}


def counts(by_director):
    return dict((director, len(ports)) for director, ports in by_director.items())


def moved(before, after, port):
    """True when a director other than the one that had port before has it now."""
    was = [director for director, ports in before.items() if port in ports]
    return any(port in ports and director not in was for director, ports in after.items())


def route_changes(routes, since):
    """The router's next hops, each with the seconds since `since`."""
    return [{'after': round(change['at'] - since, 2), 'via': change['via']} for change in routes]


def first_change(routes, since, test):
    """The time (epoch) of the first next-hop set from `since` on that passes test, or None."""
    for change in routes:
        if change['at'] >= since and test(change['via']):
            return change['at']
    return None


def seconds(at, since):
    return None if at is None else round(at - since, 2)


def load_figures(result, routes, before, after, vip, since, gone=None):
    """The figures of one operation. gone: the next hop expected to leave the
    route (and maybe come back); its times are counted from `since`."""
    holds = result['holds']
    ports = [h['port'] for h in holds]
    held_before = held_ports_by_director(before, vip, ports)
    held_after = held_ports_by_director(after, vip, ports)
    kept = [h for h in holds if h['same_connection'] and h['second'] == h['first']]
    figures = {
        'requests': result['loop']['requests'],
        'failed': result['loop']['failed'],
        'longest_gap': result['loop']['outage_seconds'],
        'failures': [traced(failure, after, vip, since) for failure in result['loop']['failures']],
        'nodes': result['loop']['nodes'],
        'holds': len(holds),
        'holds_kept': len(kept),
        'holds_lost': [h for h in holds if h not in kept],
        'holds_before': counts(held_before),
        'holds_after': counts(held_after),
        # Held connections now in the table of another director than before.
        'holds_moved': sum(1 for port in ports if moved(held_before, held_after, port)),
        'routes': route_changes(routes, since),
    }
    if gone:
        gone_at = first_change(routes, since, lambda via: gone not in via)
        figures['gone_after'] = seconds(gone_at, since)
        # Back: once it had gone, the first next-hop set with it again.
        figures['back_after'] = seconds(gone_at and first_change(routes, gone_at, lambda via: gone in via), since)
    return figures


class FilterModule(object):
    def filters(self):
        return {'ecmp_load_figures': load_figures}
