# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Find the ipvsadm output captured from the lab kernel under tests/unit/fixtures/.

Files are recognised by content, not by name: save format starts with ``-A``,
listings with ``IP Virtual Server version``.  When nothing has been captured
yet the parametrised tests get one explicitly skipped case saying so, so an
empty fixture directory can not pass unnoticed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'fixtures')

# Header words of each ``ipvsadm -L -n`` variant the model parses.
LISTING_HEADERS = (('Conns', 'stats'), ('CPS', 'rate'), ('Uthreshold', 'thresholds'), ('PersistConn', 'persistent'),
                   ('Forward', 'list'))
TESTS_DIR = os.path.dirname(os.path.dirname(FIXTURE_DIR))
LOADED_RULES = os.path.join(TESTS_DIR, 'fixtures', 'ipvs-table.txt')


def _read(path):
    with open(path) as handle:
        return handle.read()


def _fixture_files():
    for root, dummy, files in os.walk(FIXTURE_DIR):
        for name in sorted(files):
            yield os.path.join(root, name)


def _first_line(text):
    return next((line.strip() for line in text.splitlines() if line.strip()), '')


def save_files():
    return [path for path in _fixture_files() if _first_line(_read(path)).startswith('-A ')]


def listing_kind(text):
    """Which listing a capture is, from its two header lines (None for --tun-info, which the model does not parse)."""
    header = ' '.join(text.splitlines()[1:3]).split()
    if 'TunnelInfo' in header:
        return None
    return next((kind for word, kind in LISTING_HEADERS if word in header), None)


def listing_files():
    return [path for path in _fixture_files() if _read(path).startswith('IP Virtual Server version')]


def params(paths, what):
    """pytest parameters for ``paths``, or one visible skip when none were captured."""
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason='no captured %s under tests/unit/fixtures yet (run the lab capture)' % what))]
    return [pytest.param(path, id=os.path.relpath(path, FIXTURE_DIR)) for path in paths]


def read(path):
    return _read(path)


def sibling_save(path):
    """The one save capture in the same directory as ``path``, if exactly one."""
    siblings = [other for other in save_files() if os.path.dirname(other) == os.path.dirname(path)]
    return siblings[0] if len(siblings) == 1 else None


def thresholds_listing(directory):
    """The --thresholds capture in ``directory``, if there is exactly one."""
    found = [path for path in listing_files()
             if os.path.dirname(path) == directory and listing_kind(read(path)) == 'thresholds']
    return found[0] if len(found) == 1 else None
