# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the test time goes: a table per Molecule scenario and step, from the logs.

    python3 bench/ci_time.py .build/molecule-*.log            # text table
    python3 bench/ci_time.py --markdown .build/molecule-*.log   # for bench/ci_time.md

Reads the logs that tools/run-scenarios writes: every line prefixed with the epoch time
it was printed. A step lasts from Molecule's "[scenario > step] Executing" line to its
"Executed" line. A task lasts from its "TASK [...]" banner to the next banner or recap.

Within a step, the time is split into:
- waits: tasks that wait on purpose (for a failover, a drain, a check interval, a load
  to run). By convention their names start with Wait, Watch, Let or Keep;
- other tasks: Ansible's own work (module runs under emulation), counted with the
  number of host results they printed, so their mean cost per result can be read.
"""

import argparse
import collections
import re
import sys

# Molecule prints "[default > converge] Executing", or with its newer console
# "default ➜ converge: Executing" (colour codes are stripped before matching).
STEP = re.compile(r'(?:\[(?P<scenario>[\w-]+) > (?P<step>\w+)\]|(?P<scenario2>[\w-]+) \u279c (?P<step2>\w+):)'
                  r' (?P<what>Executing|Executed)')
# The newer console puts the banner's asterisks on the next line and wraps long names.
TASK = re.compile(r'^(?:TASK|RUNNING HANDLER) \[(?P<name>.*?)(?:\](?: \*+)?)?$')
BOUNDARY = re.compile(r'^(?:PLAY \[|PLAY RECAP)')
RESULT = re.compile(r'^(?:ok|changed|failed|fatal|skipping): \[')
WAIT_TASK = re.compile(r'^(?:[^:]+ : )?(?:Wait|Watch|Let|Keep)\b')

Task = collections.namedtuple('Task', 'name seconds results')


class Step(object):
    def __init__(self, name, start):
        self.name = name
        self.start = start
        self.end = None
        self.tasks = []

    @property
    def seconds(self):
        return (self.end or self.start) - self.start

    def split(self):
        waits = sum(t.seconds for t in self.tasks if WAIT_TASK.match(t.name))
        other = [t for t in self.tasks if not WAIT_TASK.match(t.name)]
        return waits, sum(t.seconds for t in other), sum(t.results for t in other)


def stamped_lines(path):
    with open(path, errors='replace') as handle:
        for line in handle:
            stamp, _space, text = line.rstrip('\n').partition(' ')
            try:
                # Colour codes out, and the newer console's "  │ " before Ansible's output.
                yield float(stamp), re.sub(r'^\s*\u2502 ?', '', re.sub(r'\x1b\[[0-9;]*m', '', text))
            except ValueError:
                continue


def read_log(path):
    """Return (scenario, [Step]) from one stamped log."""
    scenario, steps = None, []
    step = task = None
    task_start = results = 0

    def close_task(now):
        if step is not None and task is not None:
            step.tasks.append(Task(task, now - task_start, results))

    for now, text in stamped_lines(path):
        marker = STEP.search(text)
        if marker:
            scenario = marker.group('scenario') or marker.group('scenario2')
            close_task(now)
            task = None
            if marker.group('what') == 'Executing':
                step = Step(marker.group('step') or marker.group('step2'), now)
                steps.append(step)
            elif step is not None:
                step.end = now
                step = None
            continue
        banner = TASK.match(text)
        if banner or BOUNDARY.match(text):
            close_task(now)
            task, task_start, results = (banner.group('name') if banner else None), now, 0
        elif RESULT.match(text):
            results += 1
    return scenario, steps


def step_columns(all_steps):
    """Step names in the order they first ran."""
    columns = []
    for steps in all_steps:
        for step in steps:
            if step.name not in columns:
                columns.append(step.name)
    return columns


def by_name(steps):
    """Steps of one name summed: a step runs more than once (destroy at both ends; prepare
    again, skipped, inside create and converge)."""
    merged = collections.OrderedDict()
    for step in steps:
        total = merged.setdefault(step.name, Step(step.name, 0.0))
        total.end = (total.end or 0.0) + step.seconds
        total.tasks.extend(step.tasks)
    return merged


def table(rows, markdown):
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [str(cell).rjust(widths[i]) if i else str(cell).ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append('| %s |' % ' | '.join(cells) if markdown else '  '.join(cells))
        if markdown and n == 0:
            lines.append('|%s|' % '|'.join('-' * (w + 2) for w in widths))
    return '\n'.join(lines)


def report(logs, markdown=False, top=12):
    parsed = [read_log(path) for path in logs]
    parsed = [(scenario, steps) for scenario, steps in parsed if scenario]
    columns = step_columns(steps for _scenario, steps in parsed)
    out = []
    rows = [['scenario'] + columns + ['total']]
    for scenario, steps in parsed:
        merged = by_name(steps)
        total = sum(step.seconds for step in steps)
        rows.append([scenario] + ['%.0f' % merged[c].seconds if c in merged else '-' for c in columns]
                    + ['%.0f' % total])
    out.append('Seconds per scenario and Molecule step\n')
    out.append(table(rows, markdown))

    rows = [['scenario', 'step', 'seconds', 'waits on purpose', 'other tasks', 'host results', 's per result']]
    for scenario, steps in parsed:
        for name, step in by_name(steps).items():
            if name not in ('converge', 'idempotence', 'verify', 'prepare'):
                continue
            waits, other, results = step.split()
            rows.append([scenario, name, '%.0f' % step.seconds, '%.0f' % waits, '%.0f' % other, results,
                         '%.2f' % (other / results) if results else '-'])
    out.append('\nWithin the Ansible steps: deliberate waits against Ansible\'s own work\n')
    out.append(table(rows, markdown))

    tasks = collections.Counter()
    for scenario, steps in parsed:
        for step in steps:
            for task in step.tasks:
                tasks['%s / %s / %s' % (scenario, step.name, task.name)] += task.seconds
    rows = [['task (scenario / step / name)', 'seconds']]
    rows += [[name[:110], '%.0f' % seconds] for name, seconds in tasks.most_common(top)]
    out.append('\nThe %d longest tasks\n' % top)
    out.append(table(rows, markdown))
    return '\n'.join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('logs', nargs='+', help='stamped Molecule logs (tools/run-scenarios)')
    parser.add_argument('--markdown', action='store_true', help='Markdown tables')
    parser.add_argument('--top', type=int, default=12, help='how many of the longest tasks to list')
    args = parser.parse_args(argv)
    print(report(args.logs, args.markdown, args.top))


if __name__ == '__main__':
    sys.exit(main())
