#!/usr/bin/env bash
# Every inventory in inventories/examples/ must parse (ansible-inventory
# --list) and site.yml must pass --syntax-check against it, both without a
# vault password. One line per example; stops at the first failure and shows
# what ansible printed. Runs from anywhere; uses the repository's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$PWD/.collections}"
export ANSIBLE_FORCE_COLOR=0 NO_COLOR=1
# An inventory that does not parse is an error, not a warning and an empty list.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
export ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true

log=$(mktemp)
trap 'rm -f "$log"' EXIT

fail() {
  echo "FAIL $1: $2"
  cat "$log"
  exit 1
}

count=0
for dir in inventories/examples/*/; do
  dir=${dir%/}
  name=${dir##*/}

  ansible-inventory -i "$dir" --list >"$log.json" 2>"$log" || { rm -f "$log.json"; fail "$name" "ansible-inventory -i $dir --list"; }
  groups=$(python3 -c '
import json, sys
inv = json.load(open(sys.argv[1]))
print(" ".join("%s=%d" % (g, len(inv.get(g, {}).get("hosts", []))) for g in ("directors", "realservers", "nfs_servers")))
' "$log.json") || { rm -f "$log.json"; fail "$name" "ansible-inventory output is not JSON"; }
  rm -f "$log.json"

  ansible-playbook -i "$dir" site.yml --syntax-check >"$log" 2>&1 || fail "$name" "ansible-playbook -i $dir site.yml --syntax-check"

  echo "ok   $name: inventory ($groups), site.yml syntax"
  count=$((count + 1))
done

[ "$count" -gt 0 ] || { echo "FAIL no directories in inventories/examples/"; exit 1; }
