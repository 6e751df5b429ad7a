# -*- coding: utf-8 -*-
# Copyright (c) 2026, lvs.cluster contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The files lvs.cluster.ipvs keeps on the director: its rules file and owned-services record.

Both are read whole and replaced atomically, readable by root only.  Kept
out of the module, which is left with the order of a run, and out of
ipvs_kernel: these are files on disk, not the kernel's table.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import stat
import tempfile

# The rules file and the owned-services record list the cluster's internal
# addresses; only root reads them (Debian's init script pipes the rules file
# into ipvsadm -R at boot).
SAVE_FILE_MODE = 0o600


def write_private_file(module, path, content, what):
    """Write ``content`` to ``path`` unless it holds it already with SAVE_FILE_MODE; returns whether it did (or would)."""
    if file_holds(path, content, SAVE_FILE_MODE):
        return False
    if not module.check_mode:
        try:
            replace_file(path, content, SAVE_FILE_MODE)
        except (IOError, OSError) as exc:
            module.fail_json(msg='Cannot write the %s %s: %s' % (what, path, exc))
        module.set_default_selinux_context(path, False)
    return True


def read_text(module, path, what):
    """The content of ``path``, or None when it does not exist."""
    try:
        with open(path) as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            return None
        module.fail_json(msg='Cannot read the %s %s: %s' % (what, path, exc))


def file_holds(path, content, mode):
    try:
        with open(path) as handle:
            return stat.S_IMODE(os.fstat(handle.fileno()).st_mode) == mode and handle.read() == content
    except (IOError, OSError):
        return False


def replace_file(path, content, mode):
    """Replace ``path`` by a new file with ``content`` and ``mode``, atomically.

    mkstemp opens a fresh name in the same directory with O_EXCL, so a
    symlink planted there is not followed, and the rename stays on one file
    system. The data and then the rename are synced: after a crash the old
    or the new file is there, never a truncated one.
    """
    directory, name = os.path.split(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(prefix='.%s.' % name, suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'w') as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        os.unlink(tmp_path)
        raise
    sync_directory(directory)


def sync_directory(directory):
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
