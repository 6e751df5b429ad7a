# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Closed forms of the values the roles write as they are into configuration files."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
name: form_errors
short_description: Check values against the closed forms the roles accept
description:
  - Takes a list of checks, each C([value, form, name]) or C([value, form, name, 'secret']),
    and returns one message per value that is not of its form, naming the variable and
    the offending value (C(********) for a secret). A value of C(None) is not set and
    passes (required variables are enforced by argument_specs).
  - A value that passes can be written as it is into keepalived.conf, nftables, exports(5),
    nginx or apache configuration. No form admits blanks, quotes, braces, semicolons,
    comment characters or anything outside printable ASCII.
  - "Forms: C(ipv4), C(ipv4_netmask), C(ipv6), C(port) (1-65535), C(uint), C(int), C(hex) (pairs
    of hex digits), C(md5) (32 hex digits), C(identifier), C(interface), C(hostname), C(email),
    C(abs_path) (absolute, no C(..) segment), C(url_path), C(nfs_client), C(export_option_value),
    C(asn) (1-4294967295), C(bgp_community) (C(N:N) of two 0-65535, or a well-known name),
    C(bfd_interval) (10-60000 ms), C(milliseconds) (10-60000), C(bfd_multiplier) (2-255),
    C(bgp_password) (1-80 characters of letters, digits and C(_ . , : ; @ % + = ^ ~ / * -))."
  - The forms are matched whole (Python C(re.fullmatch)), never with C($), which also
    matches before a final newline.
positional: _input
options:
  _input:
    description: List of C([value, form, name]) or C([value, form, name, 'secret']).
    type: list
    elements: list
    required: true
"""

EXAMPLES = r"""
errors: "{{ [[lvs_realserver_address, 'ipv4', 'lvs_realserver_address']] | lvs.cluster.form_errors }}"
"""

RETURN = r"""
_value:
  description: One message per value not of its form; empty when all pass.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.lvs.cluster.plugins.module_utils.cluster_forms import form_errors


def form_errors_filter(checks):
    try:
        return form_errors(checks)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):
    """Closed-form checks of the roles' variables."""

    def filters(self):
        return {'form_errors': form_errors_filter}
