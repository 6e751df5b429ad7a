# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make the repository importable as ``ansible_collections.lvs.cluster``.

ansible-test runs from a checkout under ``ansible_collections/lvs/cluster``;
plain ``pytest tests/unit`` from the repository root does not, so when the
package is not importable yet this links the repository into a temporary
``ansible_collections/lvs/cluster`` tree and puts that on ``sys.path``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _collection_importable():
    parts = REPO_ROOT.split(os.sep)
    return parts[-3:] == ['ansible_collections', 'lvs', 'cluster']


def _link_collection():
    root = tempfile.mkdtemp(prefix='lvs-cluster-unit-')
    namespace = os.path.join(root, 'ansible_collections', 'lvs')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'cluster'))
    return root


if _collection_importable():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(REPO_ROOT))))
else:
    sys.path.insert(0, _link_collection())
