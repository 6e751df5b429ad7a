#!/usr/bin/env bash
# Debian 12's FRR (zebra, bgpd, bfdd, vtysh, frr-reload.py) for tests/bgp
# (tools/debian-unpack). Prints the directory to use as LVS_FRR_ROOT.
exec "$(dirname "$0")/../../tools/debian-unpack" frr frr frr-pythontools libyang2 libc-ares2
