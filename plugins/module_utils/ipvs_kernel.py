# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipvsadm and modprobe on the director: the kernel I/O both modules share.

lvs.cluster.ipvs changes the kernel's IPVS table and lvs.cluster.ipvs_info
reports it; both read it through Ipvsadm here, so the table is read, checked
and parsed one way.  Kept apart from the pure ipvs_* layers because this is
the only part that runs commands (through the AnsibleModule it is given) and
depends on the host.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import threading

from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_model import ParseError
from ansible_collections.lvs.cluster.plugins.module_utils.ipvs_text import apply_thresholds, parse_listing, parse_save

# Present when the ip_vs kernel module is loaded; running ipvsadm would load it.
PROC_IPVS = '/proc/net/ip_vs'
SYS_MODULE = '/sys/module'
SAVE = ['-S', '-n']
THRESHOLDS = ['-L', '-n', '--thresholds']


class _Background(threading.Thread):
    """``function(*args, **kwargs)`` in a thread; result() waits for it and returns (or raises) its outcome."""

    def __init__(self, function, *args, **kwargs):
        super(_Background, self).__init__()
        self._call = (function, args, kwargs)
        self._outcome = self._error = None
        self.start()

    def run(self):
        function, args, kwargs = self._call
        try:
            self._outcome = function(*args, **kwargs)
        except Exception as exc:  # re-raised in the caller's thread by result()
            self._error = exc

    def result(self):
        self.join()
        if self._error is not None:
            raise self._error
        return self._outcome


class Ipvsadm(object):
    """ipvsadm for a module: read the kernel's table and its listings, restore rules; failures end the module."""

    def __init__(self, module):
        self.module = module
        self.path = module.params['ipvsadm_path'] or module.get_bin_path('ipvsadm', required=True)

    def run(self, args, data=None, handle_exceptions=True):
        return self.module.run_command([self.path] + args, data=data, handle_exceptions=handle_exceptions)

    def read_table(self):
        """The table from ``-S -n``, completed with thresholds from ``-L -n --thresholds``."""
        return self.read_table_and_thresholds()[0]

    def read_table_and_thresholds(self):
        """read_table() and the thresholds listing it was completed from, as parse_listing() returns it.

        Both reads run at once: ipvsadm makes a netlink request per service,
        so on a large table each read takes about as long as the whole rest of
        a no-op run, and the kernel answers two readers in parallel.
        """
        thresholds = _Background(self.run, THRESHOLDS, handle_exceptions=False)
        saved = self._checked(SAVE, self.run(SAVE))
        listing = self._checked(THRESHOLDS, thresholds.result())
        try:
            table, listing = parse_save(saved), parse_listing(listing, 'thresholds')
            return apply_thresholds(table, listing), listing
        except ParseError as exc:
            self._unparsable(exc)

    def read_listing(self, args, kind):
        """``ipvsadm args``, a variant of ``-L -n``, read as parse_listing() reads ``kind``."""
        listing = self._checked(args, self.run(args))
        try:
            return parse_listing(listing, kind)
        except ParseError as exc:
            self._unparsable(exc)

    def _unparsable(self, exc):
        self.module.fail_json(msg='Cannot parse ipvsadm output: %s' % exc)

    def _checked(self, args, outcome):
        rc, out, err = outcome
        if rc != 0:
            loaded = 'loaded' if os.path.exists(PROC_IPVS) else 'not loaded (and modprobe could not load it)'
            self.module.fail_json(msg='Cannot read the IPVS table with ipvsadm %s: %s. The ip_vs kernel module is %s.'
                                  % (' '.join(args), err.strip(), loaded), rc=rc, stderr=err)
        return out

    def restore(self, lines):
        return self.run(['-R'], data='\n'.join(lines))


def load_kernel_modules(module, schedulers):
    """modprobe ip_vs and the schedulers' modules that are not loaded.

    Failure is tolerated: in a container modprobe is missing or cannot load
    anything, while the host may have the modules (the kernel also
    auto-loads schedulers); the re-read after applying is what proves success.
    """
    wanted = [] if os.path.exists(PROC_IPVS) else ['ip_vs']
    wanted += ['ip_vs_%s' % name for name in sorted(schedulers)
               if not os.path.exists(os.path.join(SYS_MODULE, 'ip_vs_%s' % name))]
    modprobe = module.get_bin_path('modprobe') if wanted else None
    if modprobe:
        for name in wanted:
            module.run_command([modprobe, name])
