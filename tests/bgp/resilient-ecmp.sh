#!/usr/bin/env bash
# The lab router's resilient ECMP, as data-centre switches offer it ("resilient
# hashing"): when one director leaves, only the flows it carried move; the flows of the
# directors that stay keep their director. Linux has it since 5.13 (resilient next-hop
# groups), but FRR 10.3's zebra installs BGP multipath routes as plain groups, which
# Linux rehashes (hash-threshold) whenever a next hop goes or comes back.
#
#   resilient-ecmp.sh PREFIX...
#
# Mirrors zebra's next hops to each PREFIX, on every route or next-hop event, into one
# resilient group per prefix that keeps its id (so the kernel keeps the buckets of the
# next hops that stay), routed from table 100, which a rule consults before main.
# zebra's own route stays in main: what FRR and `ip route show` report is unchanged.
set -euo pipefail
table=100
buckets=64
[ $# -gt 0 ] || { echo "usage: $0 PREFIX..." >&2; exit 2; }

# "via ADDRESS dev DEVICE", one line per next hop of zebra's route to PREFIX.
zebra_hops() { ip route show "$1" table main | grep -o 'via [0-9.]* dev [^ ]*' | sort -u || true; }

# Ids between 250,000,000 and 2^28, which FRR leaves unused (lib/zclient.h: zebra's and
# the protocols' groups below, EVPN's above): a group per prefix, and a next hop by the
# last 16 bits of its address, the same in every group (next hops must differ there).
group_base=260000000
hop_id() { local IFS=.; set -- $1; echo $((261000000 + ($3 << 8) + $4)); }

# mirror PREFIX GROUP-ID HOPS: the group's members become HOPS (replaced in place: the
# buckets of members that stay are kept; idle buckets rebalance to a new member after 1 s).
mirror() {
  local prefix=$1 group=$2 hops=$3 ids="" _via address _dev device id
  if [ -z "$hops" ]; then
    ip route del "$prefix" table "$table" 2>/dev/null || true
    return
  fi
  while read -r _via address _dev device; do
    id=$(hop_id "$address")
    ip nexthop replace id "$id" via "$address" dev "$device"
    ids=${ids:+$ids/}$id
  done <<<"$hops"
  ip nexthop replace id "$group" group "$ids" type resilient buckets "$buckets" idle_timer 1 unbalanced_timer 0
  ip route replace "$prefix" nhid "$group" table "$table"
}

declare -A seen
sync_all() {
  local i=0 prefix hops
  for prefix in "$@"; do
    i=$((i + 1))
    hops=$(zebra_hops "$prefix")
    [ "$hops" != "${seen[$prefix]-none}" ] || continue
    mirror "$prefix" $((group_base + i)) "$hops"
    seen[$prefix]=$hops
  done
}

for prefix in "$@"; do
  ip rule del to "$prefix" lookup "$table" 2>/dev/null || true
  ip rule add to "$prefix" lookup "$table" pref 100
done
sync_all "$@"
exec {events}< <(ip monitor route nexthop)
monitor=$!
trap 'kill "$monitor" 2>/dev/null' EXIT
trap 'exit 143' TERM INT
# Our own changes are events too; they find nothing new. The 1 s read timeout is a
# safety net for an event the monitor missed.
while :; do
  status=0
  read -r -t 1 -u "$events" _ || status=$?
  [ "$status" -eq 0 ] || [ "$status" -gt 128 ] || { echo "resilient-ecmp: ip monitor ended" >&2; exit 1; }
  sync_all "$@"
done
