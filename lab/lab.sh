#!/usr/bin/env bash
# The lab: a Docker engine on a kernel with IPVS, NFS and ipip.
#   lab.sh up      start it (idempotent) and print the DOCKER_HOST to use
#   lab.sh down    stop the VM cleanly; no QEMU process is left behind
#   lab.sh status  say what runs and where
#   lab.sh env     print `export DOCKER_HOST=...` for the running lab
#
# Native path: when LVS_LAB_DOCKER_HOST names an engine (or `docker info` answers with the
# caller's environment) and its kernel has ip_vs, the lab uses it and starts no VM.
# Otherwise it boots a Debian VM under QEMU (software emulation), built once and cached
# under ~/.cache/lvs-lab keyed by a hash of its recipe (vm-image.sh, base-image.sh).
# The cached disk is never written: each boot gets a fresh copy-on-write overlay, so a VM
# that was killed or left half-booted is simply replaced by the next `up`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${LVS_LAB_CACHE:-$HOME/.cache/lvs-lab}
port=${LVS_LAB_PORT:-23750}
# Container images, NAME:SUITE: Debian 12 for most scenarios, Debian 13 for molecule/ecmp,
# so the roles are proven on two releases. The first one checks the engine's kernel.
images=(debian12:bookworm debian13:trixie)
image=lvs-lab/${images[0]%%:*}:latest
run=$cache/run
vm_hash=$(sha256sum "$here/vm-image.sh" | cut -c1-12)
base_hash=$(sha256sum "$here/base-image.sh" | cut -c1-12)
vm_dir=$cache/vm-$vm_hash
base_tar() { echo "$cache/base-$1-$base_hash.tar"; }
vm_docker_host=tcp://127.0.0.1:$port
export DOCKER_CLI_HINTS=false

say() { printf 'lab: %s\n' "$*"; }
fail() { printf 'lab: FAILED: %s\n' "$*" >&2; exit 1; }

# Run STEP-NAME LOG COMMAND...: quiet on success, one clear line on failure.
step() {
  local name=$1 log=$2; shift 2
  local start=$SECONDS
  if ! "$@" >"$log" 2>&1; then
    fail "$name (log: $log)"
  fi
  say "$name: done in $((SECONDS - start)) s"
}

need_host_tools() {
  local missing=()
  command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
  command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
  command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
  command -v qemu-img >/dev/null || missing+=(qemu-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "host packages missing: ${missing[*]} (apt-get install them)"
  step "install host packages (${missing[*]})" "$cache/apt.log" \
    sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${missing[*]}"
}

docker_answers() { DOCKER_HOST=$1 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Does the engine's kernel have IPVS? Checked from a privileged container of our image.
engine_has_ipvs() {
  DOCKER_HOST=$1 docker run --rm --privileged "$image" \
    sh -c 'test -e /proc/net/ip_vs || modprobe ip_vs' >/dev/null 2>&1
}

# Build results go to a temporary name first, so a failed build is never taken as cached.
# Builds of older recipes are removed once a new one is in place (each is 0.4-1.5 GB).
build_base_tar() {
  local suite=$1 tar
  tar=$(base_tar "$suite")
  local tmp=${tar%.tar}.tmp.tar  # mmdebstrap picks its output format by the extension
  "$here/base-image.sh" "$tmp" "$suite" && mv "$tmp" "$tar" &&
    find "$cache" -maxdepth 1 -name 'base-*.tar' ! -name "*-$base_hash.tar" ! -name '*.tmp.tar' -delete
}

# Build the tars not in the cache, all at once (the VM boots meanwhile).
build_base_tars() {
  local entry suite pids=() failed=0
  for entry in "${images[@]}"; do
    suite=${entry#*:}
    [ -s "$(base_tar "$suite")" ] && continue
    build_base_tar "$suite" >"$cache/base-image-$suite.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

build_vm_image() {
  rm -rf "$vm_dir.tmp" && "$here/vm-image.sh" "$vm_dir.tmp" && mv "$vm_dir.tmp" "$vm_dir" &&
    find "$cache" -maxdepth 1 -name 'vm-????????????' ! -path "$vm_dir" -exec rm -rf {} +
}

image_is_current() {
  DOCKER_HOST=$1 docker image inspect "$2" --format '{{index .Config.Labels "lvs-lab.recipe"}}' 2>/dev/null \
    | grep -qx "$base_hash"
}

import_image() {
  local host=$1 suite=$2 name=$3
  DOCKER_HOST=$host docker import \
    --change 'CMD ["/lib/systemd/systemd"]' --change 'ENV container=docker' \
    --change "LABEL lvs-lab.recipe=$base_hash" "$(base_tar "$suite")" "$name"
}

# Import every image whose recipe changed, all at once.
import_images() {
  local host=$1 entry pids=() failed=0
  for entry in "${images[@]}"; do
    image_is_current "$host" "lvs-lab/${entry%%:*}:latest" && continue
    import_image "$host" "${entry#*:}" "lvs-lab/${entry%%:*}:latest" >"$cache/import-${entry#*:}.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  # The images they replace, now untagged, would fill the VM's disk over many rebuilds.
  DOCKER_HOST=$host docker image prune -f >/dev/null
  return $failed
}

ensure_base_images() {
  local host=$1
  step "build container base images (mmdebstrap)" "$cache/base-image.log" build_base_tars
  step "import container base images into Docker" "$cache/import.log" import_images "$host"
}

qemu_running() { [ -s "$run/qemu.pid" ] && kill -0 "$(cat "$run/qemu.pid")" 2>/dev/null; }

# Wait for the VM's Docker; false when QEMU died or the time ran out.
docker_comes_up() {
  local start=$SECONDS
  until docker_answers "$vm_docker_host"; do
    qemu_running || return 1
    [ $((SECONDS - start)) -lt 300 ] || return 1
    sleep 2
  done
}

stop_qemu() {
  qemu_running || { rm -f "$run/qemu.pid"; return 0; }
  local pid
  pid=$(cat "$run/qemu.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$run/qemu.pid"
}

boot_vm() {
  [ -s "$vm_dir/disk.img" ] || step "build VM image (mmdebstrap, kernel, docker.io)" "$cache/vm-image.log" build_vm_image
  mkdir -p "$run"
  rm -f "$run/overlay.qcow2"
  step "create the VM's overlay disk" "$run/qemu-img.log" \
    qemu-img create -q -f qcow2 -b "$vm_dir/disk.img" -F raw "$run/overlay.qcow2"
  # restrict=on: the VM reaches nothing outside; only the Docker API forward comes in.
  step "start QEMU" "$run/qemu.log" qemu-system-x86_64 \
    -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 6144 \
    -kernel "$vm_dir/vmlinuz" -initrd "$vm_dir/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 quiet" \
    -drive "file=$run/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe" \
    -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:2375" \
    -device virtio-net-pci,netdev=n0 \
    -display none -serial "file:$run/serial.log" -pidfile "$run/qemu.pid" -daemonize
  echo "$vm_hash" >"$run/vm-recipe"
  local start=$SECONDS
  docker_comes_up || fail "Docker in the VM did not answer within 300 s (log: $run/serial.log)"
  say "Docker in the VM answered after $((SECONDS - start)) s"
}

up() {
  mkdir -p "$cache"
  local native=${LVS_LAB_DOCKER_HOST:-${DOCKER_HOST:-}}
  if [ -n "$native" ] && [ "$native" != "$vm_docker_host" ] && docker_answers "$native"; then
    ensure_base_images "$native"
    engine_has_ipvs "$native" || fail "the engine at $native has no ip_vs in its kernel (modprobe ip_vs on its host)"
    echo "native $native" >"$cache/mode"
    say "using the existing Docker engine at $native (native path, no VM)"
    say "export DOCKER_HOST=$native"
    return 0
  fi
  need_host_tools
  # On a cold cache, build the container images' tars on the host while the VM boots.
  build_base_tars >"$cache/base-image.log" 2>&1 &
  local base_build=$!
  # A VM left by an earlier run is used once its Docker answers (it may still be booting);
  # one that never answers is replaced.
  if qemu_running && docker_comes_up; then
    say "VM already running (pid $(cat "$run/qemu.pid"))"
    [ "$(cat "$run/vm-recipe" 2>/dev/null)" = "$vm_hash" ] ||
      say "WARNING: the running VM was built from an older recipe; make lab-down lab-up rebuilds it"
  else
    qemu_running && say "the VM left running does not answer: replacing it"
    stop_qemu
    boot_vm
  fi
  wait "$base_build" || fail "build container base images (mmdebstrap) (logs: $cache/base-image-*.log)"
  ensure_base_images "$vm_docker_host"
  echo "vm $vm_docker_host" >"$cache/mode"
  say "using the lab VM (QEMU, Debian cloud kernel $(DOCKER_HOST=$vm_docker_host docker info --format '{{.KernelVersion}}'))"
  say "export DOCKER_HOST=$vm_docker_host"
}

# Nothing in the VM is kept (its disk is a throwaway overlay), so stopping is immediate.
down() {
  if ! qemu_running; then
    say "no VM running"
  else
    stop_qemu
    say "VM stopped"
  fi
  rm -f "$run/qemu.pid" "$run/overlay.qcow2" "$cache/mode"
}

status() {
  if [ -s "$cache/mode" ]; then
    read -r mode host <"$cache/mode"
    if docker_answers "$host"; then
      say "$mode lab up: DOCKER_HOST=$host, $(DOCKER_HOST=$host docker ps -q | wc -l) containers running"
      return 0
    fi
  fi
  qemu_running && { say "QEMU runs (pid $(cat "$run/qemu.pid")) but Docker does not answer yet"; return 1; }
  say "lab down"; return 1
}

env_line() {
  [ -s "$cache/mode" ] || fail "lab is not up (make lab-up)"
  read -r _ host <"$cache/mode"
  # The Docker SDK's 60 s default was seen to run out when seven containers start at once
  # on a busy VM (community.docker reads DOCKER_TIMEOUT).
  echo "export DOCKER_HOST=$host DOCKER_TIMEOUT=300"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  env) env_line ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
