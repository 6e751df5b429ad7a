# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a run changes: from the kernel's table and the desired state to ipvsadm -R lines.

The table a run converges to (target_table), the difference of two tables
compared as sets keyed by service (diff_tables), that difference as a batch
in a safe order (render_plan), what the kernel did not take (unapplied_lines)
and which recorded services a run releases (ownership).  The module's
decisions, apart from reading and checking its input so that they are tested
on tables alone.  No I/O and no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import namedtuple

from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_model import (
    DesiredState, format_endpoint, service_sort_key, sorted_real_servers)
from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_text import (
    render_real_server, render_service, render_service_spec)


# ---------------------------------------------------------------- diff

Plan = namedtuple('Plan', ['add_services', 'edit_services', 'add_real_servers', 'edit_real_servers',
                           'delete_real_servers', 'delete_services'])


def diff_tables(current, target):
    """What turns ``current`` into ``target``; both are compared as sets keyed by service key."""
    plan = Plan([], [], [], [], [], [])
    changed = [key for key in set(current) | set(target) if _differ(current.get(key), target.get(key))]
    for key in sorted(changed, key=service_sort_key):
        old, new = current.get(key), target.get(key)
        if new is None:
            plan.delete_services.append(old)
            continue
        if old is None:
            plan.add_services.append(new)
            old_servers = {}
        else:
            if old.settings() != new.settings():
                plan.edit_services.append(new)
            old_servers = old.real_servers
        for rs in sorted_real_servers(new):
            if rs.key not in old_servers:
                plan.add_real_servers.append((key, rs))
            elif old_servers[rs.key] != rs:
                plan.edit_real_servers.append((key, rs))
        if old is not None:
            plan.delete_real_servers.extend((key, rs) for rs in sorted_real_servers(old)
                                            if rs.key not in new.real_servers)
    return plan


def _differ(old, new):
    return old is not new and old != new


def render_plan(plan):
    """``ipvsadm -R`` lines in a safe order.

    Services exist before their servers are added; additions and edits come
    before removals so a service never drops below its declared servers
    mid-batch; servers go before services (a deleted service takes its own
    servers with it, so they get no ``-d``).  Never a flush.
    """
    lines = [render_service('-A', service) for service in plan.add_services]
    lines += [render_service('-E', service) for service in plan.edit_services]
    lines += [render_real_server('-a', key, rs) for key, rs in plan.add_real_servers]
    lines += [render_real_server('-e', key, rs) for key, rs in plan.edit_real_servers]
    lines += ['-d %s -r %s' % (render_service_spec(key), format_endpoint(rs.address, rs.port))
              for key, rs in plan.delete_real_servers]
    lines += ['-D %s' % render_service_spec(service.key) for service in plan.delete_services]
    return lines


# ------------------------------------------------------------ desired state

def target_table(current, desired, purge):
    """The table after converging: ``current`` with the desired state applied.

    Without ``purge`` undeclared services and undeclared real servers of
    declared services are kept as they are.
    """
    target = {} if purge else dict(current)  # services are not modified, only replaced
    for key in desired.absent_services:
        target.pop(key, None)
    for key, service in desired.services.items():
        kept = {} if purge or key not in current else dict(current[key].real_servers)
        for rs_key in desired.absent_real_servers.get(key, ()):
            kept.pop(rs_key, None)
        kept.update(service.real_servers)
        target[key] = service.copy(real_servers=kept.values())
    return target


def managed_keys(desired):
    return set(desired.services) | set(desired.absent_services)


def restrict(table, keys):
    return dict((key, service) for key, service in table.items() if key in keys)


def unapplied_lines(actual, target, desired, purge):
    """Lines still needed to reach ``target`` (empty when the kernel took everything).

    Only services this run manages are compared (all of them with purge), so
    concurrent changes by another owner (keepalived) do not count as failure.
    """
    if not purge:
        keys = managed_keys(desired)
        actual, target = restrict(actual, keys), restrict(target, keys)
    return render_plan(diff_tables(actual, target))


# ------------------------------------------------------------ ownership

Ownership = namedtuple('Ownership', ['desired', 'released', 'during', 'after'])


def ownership(owned, desired, release_only=False):
    """What a run does with the services recorded as ``owned`` by an earlier one.

    Those ``desired`` no longer declares are released: removed from the kernel
    and forgotten, and nothing else is, so a service the module never created
    (keepalived's, an operator's) stays. Returns the desired state of the run
    (the released keys added as absent), the released keys, the record while
    the run applies (it already holds every service the batch may create, so
    a batch that stops half-way leaves none unrecorded) and after it.
    ``release_only`` releases and does nothing else: it declares nothing, and
    keeps recorded only what is still declared.
    """
    declared = set(desired.services)
    released = set(owned) - declared
    if release_only:
        return Ownership(DesiredState({}, released, {}), released, set(owned), set(owned) & declared)
    run = DesiredState(desired.services, desired.absent_services | released, desired.absent_real_servers)
    return Ownership(run, released, set(owned) | declared, declared)
