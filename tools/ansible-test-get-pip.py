# -*- coding: utf-8 -*-
# Copyright: LVS cluster collection developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for get-pip.py, seeded into ansible-test's cache by `make sanity`.

ansible-test bootstraps pip in each sanity venv by downloading get-pip.py from a host
that cannot be reached here. This script does the same job with the standard library's
ensurepip, then installs the packages ansible-test asked for from the package index.
"""

from __future__ import absolute_import, division, print_function

import subprocess
import sys

# Options only get-pip.py understands; pip itself would reject them.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    # In a child process: ensurepip.bootstrap() would set PIP_CONFIG_FILE=/dev/null in
    # this one, and the pip run below would then ignore the machine's pip configuration.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    main()
