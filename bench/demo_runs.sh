#!/usr/bin/env bash
# Issue 13's proof that `make demo` works first time and recovers from a failure.
#   bench/demo_runs.sh cold [N]     N runs (default 5), each after `make lab-down` and with
#                                   the lab cache removed: VM image, container images and
#                                   containers all built from nothing
#   bench/demo_runs.sh interrupted  a `make demo` whose VM is stopped once site.yml has
#                                   started, then a plain `make demo` that must pass
# One line per run: its rc and wall time. Logs: .build/demo-<label>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
cache=${LVS_LAB_CACHE:-$HOME/.cache/lvs-lab}
mkdir -p .build

# demo LABEL: one `make demo`, logged; prints its rc and wall time, returns its rc.
demo() {
  local start=$SECONDS rc=0
  make demo >".build/demo-$1.log" 2>&1 || rc=$?
  echo "$1: rc=$rc wall=$((SECONDS - start)) s"
  return "$rc"
}

cold() {
  local failed=0
  for i in $(seq "${1:-5}"); do
    make lab-down >/dev/null 2>&1
    rm -rf "$cache"
    demo "cold-$i" || failed=1
  done
  return "$failed"
}

# The VM dies mid-converge, as when a laptop sleeps or QEMU is killed.
interrupted() {
  local log=.build/demo-interrupted.log start=$SECONDS
  make demo >"$log" 2>&1 &
  local pid=$!
  until grep -q 'TASK \[lvs.cluster.director' "$log"; do
    kill -0 "$pid" 2>/dev/null || { echo "interrupted: make demo ended before site.yml's director role"; return 1; }
    sleep 2
  done
  make lab-down >/dev/null 2>&1
  local rc=0
  wait "$pid" || rc=$?
  echo "interrupted: VM stopped $((SECONDS - start)) s in, make demo rc=$rc"
  [ "$rc" -ne 0 ] || { echo "interrupted: make demo passed although its VM was stopped"; return 1; }
  demo after-interrupted
}

case ${1:-} in
  cold) cold "${2:-5}" ;;
  interrupted) interrupted ;;
  *) echo "usage: $0 cold [N] | interrupted" >&2; exit 2 ;;
esac
