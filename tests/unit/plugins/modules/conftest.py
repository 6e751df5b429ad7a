# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Modules run on the target side, whatever else the same pytest run imported.

Importing ansible-core's controller (the filter plugins' tests do, through
ansible.errors) marks the whole process as the controller, and a module's
warnings would then go to the controller's display instead of its result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.module_utils import _internal


@pytest.fixture(autouse=True)
def target_side(monkeypatch):
    monkeypatch.setattr(_internal, 'is_controller', False)
