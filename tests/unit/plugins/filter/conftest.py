# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keep the module tests of the same pytest run on the target side.

The filters import ansible-core's controller (ansible.errors), and importing it
marks the whole process as the controller (module_utils._internal.is_controller):
modules run by later unit tests would then hand their warnings to the
controller's display instead of returning them. The filters do not read the
mark, so it is put back once the controller is imported.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ansible.errors  # noqa: F401  pylint: disable=unused-import  (the import that sets the mark)
from ansible.module_utils import _internal

setattr(_internal, 'is_controller', False)
