# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Directors that would pick different real servers for one flow of a BGP VIP."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: bgp_disagreements
short_description: Name the BGP VIP services on which directors disagree
description:
  - Compares, for the services of VIPs with announce C(bgp), what C(mh) or C(sh) builds its
    table from - scheduler, C(mh_port)/C(mh_fallback), real servers with ports and weights - across
    directors, and returns one message per service and director that differs from the first
    director, naming the override C(director_bgp_allow_inconsistent).
positional: _input, allow_inconsistent
options:
  _input:
    description: A dict director -> its resolved services (C(director_services)).
    type: dict
    required: true
  allow_inconsistent:
    description: director_bgp_allow_inconsistent; when true nothing is compared.
    type: bool
    required: true
"""

EXAMPLES = r"""
errors: "{{ {'lvs1': services1, 'lvs2': services2} | lvs.cluster.bgp_disagreements(false) }}"
"""

RETURN = r"""
_value:
  description: One message per disagreement; empty when the directors agree.
  type: list
  elements: str
"""

from ansible_collections.lvs.cluster.plugins.filter.bgp_errors import OVERRIDE


def _fingerprint(service):
    """What must be equal on every director for mh/sh to pick the same real server."""
    return {
        'scheduler': service.get('scheduler'),
        'flags': [flag for flag in ('mh_port', 'mh_fallback') if service.get(flag)],
        'real_servers': sorted('%s:%s weight %s' % (r.get('address'), r.get('port'), r.get('weight'))
                               for r in service.get('real_servers', [])),
    }


def _bgp_fingerprints(services):
    return {s['name']: _fingerprint(s) for s in services if s.get('announce') == 'bgp'}


def bgp_disagreements(views, allow_inconsistent):
    """Messages for BGP services whose scheduler, flags, real servers or weights differ
    between directors. views: {director: [its resolved services]}; only those with
    announce bgp are compared."""
    if allow_inconsistent or len(views) < 2:
        return []
    names = sorted(views)
    reference = _bgp_fingerprints(views[names[0]])
    errors = []
    for director in names[1:]:
        theirs = _bgp_fingerprints(views[director])
        for name in sorted(set(reference) | set(theirs)):
            if reference.get(name) != theirs.get(name):
                errors.append('lvs_virtual_services (%s): directors %s and %s disagree (%s against %s), so the same flow '
                              'would reach different real servers; make their variables equal or set %s: true'
                              % (name, names[0], director, reference.get(name), theirs.get(name), OVERRIDE))
    return errors


class FilterModule(object):
    """Cross-director consistency of BGP VIPs."""

    def filters(self):
        return {'bgp_disagreements': bgp_disagreements}
