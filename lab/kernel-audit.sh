#!/usr/bin/env bash
# Do the lab's containers write the VM kernel's global state? Boots N privileged systemd
# containers of the lab image at once (as Molecule does), and compares the kernel's
# global state before and after: binfmt_misc entries, kernel.*/fs.* sysctls that
# systemd's vendor files set, lockd's ports, loaded modules. To make a write visible,
# the state is first moved away from the values the image's units would set.
# Every container must also finish booting `running` (not `degraded`).
#   lab/kernel-audit.sh [N]      (DOCKER_HOST set: eval "$(lab/lab.sh env)")
set -euo pipefail

n=${1:-6}
image=${LVS_LAB_IMAGE:-lvs-lab/debian12:latest}
prefix=kaudit-$$
export DOCKER_CLI_HINTS=false

# Run a shell in the VM's own namespaces (a privileged helper joined to PID 1).
in_vm() { docker run --rm --privileged --pid=host "$image" nsenter -t 1 -m -u -n -i sh -c "$1"; }

snapshot() {
  in_vm 'mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    echo "binfmt: $(ls /proc/sys/fs/binfmt_misc | grep -vx -e register -e status | sort | tr "\n" " ")"
    for key in kernel/pid_max fs/protected_fifos fs/protected_hardlinks fs/protected_regular \
               fs/protected_symlinks fs/nfs/nlm_tcpport fs/nfs/nlm_udpport; do
      echo "$key: $(cat /proc/sys/$key 2>/dev/null || echo absent)"
    done
    echo "modules: $(cut -d" " -f1 /proc/modules | sort | tr "\n" " ")"'
}

cleanup() { docker rm -f $(docker ps -aq --filter "name=^$prefix-") >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Values no unit of the image sets: a write by a container shows as a change.
in_vm 'mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  for entry in /proc/sys/fs/binfmt_misc/*; do
    case ${entry##*/} in register|status) ;; *) echo -1 >"$entry" ;; esac
  done
  sysctl -qw kernel.pid_max=99999 fs.protected_regular=0 fs.protected_fifos=0'
before=$(snapshot)

for i in $(seq "$n"); do
  docker run -d --name "$prefix-$i" --privileged --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /tmp "$image" /lib/systemd/systemd >/dev/null &
done
wait

failed=0
for i in $(seq "$n"); do
  state=$(docker exec "$prefix-$i" sh -c 'until systemctl is-system-running --wait 2>/dev/null | grep -q .; do sleep 1; done; systemctl is-system-running' || true)
  echo "container $i: $state"
  if [ "$state" != running ]; then
    docker exec "$prefix-$i" systemctl --failed --no-pager || true
    failed=1
  fi
done

after=$(snapshot)
# Put the VM back as it boots (the VM's own systemd set these).
in_vm 'systemctl restart systemd-binfmt systemd-sysctl' || true

if [ "$before" != "$after" ]; then
  echo "kernel-global state changed while the containers booted:"
  diff <(echo "$before") <(echo "$after") || true
  failed=1
else
  echo "kernel-global state unchanged by $n containers booting at once:"
  echo "$after" | sed 's/^/  /'
fi
exit "$failed"
