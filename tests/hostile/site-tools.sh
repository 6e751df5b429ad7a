#!/usr/bin/env bash
# Debian 12's nginx and Apache httpd (tools/debian-unpack), for test_site_tests.py:
# the web site test helpers of the realserver and director roles run against them.
# Prints the directory of the unpacked packages.
exec "$(dirname "$0")/../../tools/debian-unpack" site-test-tools \
  nginx nginx-common apache2 apache2-bin apache2-data apache2-utils \
  libapr1 libaprutil1 libaprutil1-dbd-sqlite3 libaprutil1-ldap liblua5.3-0
