# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Debian 12's keepalived, nft and exportfs on rendered files, and what each read.

The tools come unpacked from tests/hostile/tools.sh (LVS_HOSTILE_ROOT). keepalived
and nft run in a network namespace of their own (unshare -n), and exportfs reads
its exports in a mount namespace whose /etc and /var/lib are overlays in a
temporary directory: nothing of this machine's firewall or NFS changes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import shlex
import subprocess
import tempfile

ROOT = os.environ.get('LVS_HOSTILE_ROOT', '')


def tool_env():
    libs = [os.path.join(ROOT, 'usr/lib/x86_64-linux-gnu'), os.path.join(ROOT, 'lib/x86_64-linux-gnu')]
    return dict(os.environ, LD_LIBRARY_PATH=':'.join(libs))


def tool(name):
    return os.path.join(ROOT, 'usr/sbin', name)


def _run(argv):
    return subprocess.run(argv, env=tool_env(), capture_output=True, text=True, check=False)


def _write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, 'w') as handle:
        handle.write(text)
    return path


def keepalived_config_test(text):
    """(exit code, output) of keepalived --config-test on text, output on the console.

    In a network namespace of its own whose only interfaces are lo and a veth pair, eth0
    (the interface of the made-up facts): keepalived refuses an interface that does
    not exist, and this machine's may be named otherwise."""
    with tempfile.TemporaryDirectory() as directory:
        path = _write(directory, 'keepalived.conf', text)
        result = _run(['unshare', '--net', 'sh', '-c', 'ip link add eth0 type veth peer name lvs-peer && ip link set eth0 up && '
                       'exec "$0" --config-test --log-console -f "$1"', tool('keepalived'), path])
    return result.returncode, result.stdout + result.stderr


# keepalived's tokenizer, lib/parser.c (2.2.7): decomment() cuts a line at '!' or
# '#' outside double quotes, a backslash ends a line that continues on the next,
# and alloc_strvec_r() splits words at blanks, reading "..." as one word.
def _decomment(line):
    quoted, out, i = False, [], 0
    while i < len(line):
        char = line[i]
        if char == '"':
            quoted = not quoted
        elif char == '\\' and i + 1 < len(line):
            out.append(line[i:i + 2])
            i += 2
            continue
        elif char in '!#' and not quoted:
            break
        out.append(char)
        i += 1
    return ''.join(out).strip()


def keepalived_blocks(text):
    """Each block keepalived opens, as (depth, keyword, first argument)."""
    blocks, depth, pending = [], 0, ''
    for raw in text.split('\n'):
        line = pending + _decomment(raw)
        if line.endswith('\\'):
            pending = line[:-1]
            continue
        pending = ''
        words = re.findall(r'"[^"]*"|[^\s"]+', line)
        if words and words[-1] == '{':
            blocks.append((depth, words[0], words[1] if len(words) > 2 else ''))
        depth += line.count('{') - line.count('}')
    return blocks


def nft_ruleset(text):
    """(nft -c exit code and output, the ruleset nft loaded from text as JSON objects)."""
    with tempfile.TemporaryDirectory() as directory:
        path = _write(directory, 'table.nft', text)
        check = _run([tool('nft'), '-c', '-f', path])
        if check.returncode:
            return check.returncode, check.stderr, []
        loaded = _run(['unshare', '--net', 'sh', '-c', '"$0" -f "$1" && "$0" -j list ruleset', tool('nft'), path])
        assert loaded.returncode == 0, loaded.stderr
        return 0, '', [item for item in json.loads(loaded.stdout)['nftables'] if 'metainfo' not in item]


def exportfs_entries(text, paths):
    """The (path, client, options) exportfs -ra reads from text, the paths existing."""
    with tempfile.TemporaryDirectory() as directory:
        for name in ('etc-up', 'etc-work', 'lib-up', 'lib-work'):
            os.mkdir(os.path.join(directory, name))
        exports = _write(directory, 'exports', text)
        script = ' && '.join([
            'mount --make-rprivate /',
            'mount -t overlay overlay -o lowerdir=/etc,upperdir={d}/etc-up,workdir={d}/etc-work /etc',
            'mount -t overlay overlay -o lowerdir=/var/lib,upperdir={d}/lib-up,workdir={d}/lib-work /var/lib',
            'mkdir -p /var/lib/nfs /srv && mount -t tmpfs none /srv',
            'mkdir -p {paths}',
            'cp {exports} /etc/exports',
            '{exportfs} -ra',
            'cat /var/lib/nfs/etab',
        ]).format(d=directory, exports=exports, exportfs=tool('exportfs'),
                  paths=' '.join(shlex.quote(p) for p in paths if p.startswith('/srv/')) or '/srv')
        result = _run(['unshare', '--mount', 'sh', '-c', script])
    assert result.returncode == 0, result.stderr
    entries = []
    for line in result.stdout.splitlines():
        path, client = line.split('\t')
        host, options = client.rstrip(')').split('(', 1)
        entries.append((path, host, options))
    return entries
