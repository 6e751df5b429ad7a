# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The "keepalived refused keepalived.conf" message never shows a VRRP password.

keepalived --config-test (Debian 12) is made to refuse the very line that holds the
password, so that its own words quote it, and the role's message
(templates/keepalived-refused.txt.j2) is rendered from that real output.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from cluster import Cluster
from test_hostile import INVENTORY, SERVICES, VIPS, director_files
import real_tools

PASSWORDS = ['a  b', 'tr  ', '  lead', "q'u  o", 'b\\s  l', 'x y z']


def refused_result(conf, password):
    """keepalived's real complaint about the password's line, left unterminated."""
    line = next(n for n, text in enumerate(conf.splitlines()) if 'auth_pass' in text)
    lines = conf.splitlines()
    lines[line] = '        auth_pass %s "' % password
    code, said = real_tools.keepalived_config_test('\n'.join(lines) + '\n')
    assert code != 0 and password.strip() in said, said     # keepalived did quote it
    return {'msg': 'failed to validate', 'stderr': said, 'stdout': '', 'exit_status': code}


@pytest.mark.parametrize('password', PASSWORDS)
def test_refused_message_masks_the_password(password):
    cluster = Cluster(INVENTORY, {'lvs_vips': [dict(VIPS[0], auth_pass=password)], 'lvs_virtual_services': SERVICES})
    v, files = director_files(cluster)
    v['ansible_failed_result'] = refused_result(files['keepalived.conf'], password)
    message = cluster.render(v, 'keepalived-refused.txt.j2')
    assert 'refused the keepalived.conf' in message and '********' in message
    # also as the message's collapsed blanks would show it
    assert password not in message and password.strip() not in message and ' '.join(password.split()) not in message
    assert all(part not in message for part in password.split() if len(part) >= 4)
