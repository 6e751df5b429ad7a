# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Check the Grafana dashboard: valid JSON, and every query reads only metrics that are scraped.

Usage: python3 check_dashboard.py [DASHBOARD [METRIC_NAMES]]; exits 1 naming each query and its
unknown metric names. The names scraped are tests/monitoring/metric_names.txt.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DASHBOARD = os.path.join(HERE, '..', '..', 'monitoring', 'grafana', 'lvs-cluster.json')
METRIC_NAMES = os.path.join(HERE, 'metric_names.txt')

# Parts of a PromQL query that hold no metric name: strings, label matchers,
# label lists of aggregations and matching, range and offset durations, variables.
NOT_METRICS = [
    re.compile(r'"(?:[^"\\]|\\.)*"'),
    re.compile(r'\{[^}]*\}'),
    re.compile(r'\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)'),
    re.compile(r'\[[^\]]*\]'),
    re.compile(r'\$\{?\w+\}?'),
]
IDENTIFIER = re.compile(r'[A-Za-z_:][A-Za-z0-9_:]*')
KEYWORDS = frozenset(['bool', 'and', 'or', 'unless', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left',
                      'group_right', 'inf', 'nan'])
# Grafana's label_values(metric, label): only the first argument is a metric.
LABEL_VALUES = re.compile(r'label_values\(\s*([^,)]*)')


def metric_names(expr):
    """The metric names a PromQL query (or a Grafana label_values query) reads."""
    label_values = LABEL_VALUES.match(expr.strip())
    if label_values:
        expr = label_values.group(1)
    for pattern in NOT_METRICS:
        expr = pattern.sub(' ', expr)
    names = set()
    for match in IDENTIFIER.finditer(expr):
        is_function = expr[match.end():].lstrip().startswith('(')
        if not is_function and match.group(0).lower() not in KEYWORDS:
            names.add(match.group(0))
    return names


def queries(dashboard):
    """(where, query) of every panel target and templating variable."""
    for panel in dashboard.get('panels', []):
        for target in panel.get('targets', []):
            yield 'panel %r' % panel.get('title'), target['expr']
    for variable in dashboard.get('templating', {}).get('list', []):
        if variable.get('type') == 'query':
            query = variable['query']
            yield 'variable %r' % variable['name'], query['query'] if isinstance(query, dict) else query


def read_names(path):
    with open(path) as handle:
        return set(line.strip() for line in handle if line.strip() and not line.startswith('#'))


def problems(dashboard_path, names_path):
    with open(dashboard_path) as handle:
        try:
            dashboard = json.load(handle)
        except ValueError as exc:
            return ['%s is not valid JSON: %s' % (dashboard_path, exc)]
    known = read_names(names_path)
    found = []
    for where, expr in queries(dashboard):
        used = metric_names(expr)
        if not used:
            found.append('%s: no metric name found in %s' % (where, expr))
        unknown = sorted(used - known)
        if unknown:
            found.append('%s: %s not in %s (query: %s)' % (where, ', '.join(unknown), names_path, expr))
    return found


def main(argv):
    dashboard_path = argv[1] if len(argv) > 1 else DASHBOARD
    names_path = argv[2] if len(argv) > 2 else METRIC_NAMES
    found = problems(dashboard_path, names_path)
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
