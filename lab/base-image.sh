#!/usr/bin/env bash
# Build the root filesystem of the lab's container image as a tar for `docker import`
# (no registry can be reached, so no `FROM debian`). systemd is PID 1 and every package
# the roles install is baked in, so scenarios install for real without network access.
# All daemons the roles manage are disabled: the roles must enable them.
# Usage: base-image.sh OUT.tar [SUITE]   (SUITE: bookworm, the default, or trixie)
set -euo pipefail

out=$1
suite=${2:-bookworm}
mirror=${LVS_LAB_MIRROR:-http://deb.debian.org/debian}

packages=(
  systemd systemd-sysv dbus python3 python3-apt sudo kmod procps iproute2 iputils-ping
  curl netcat-openbsd socat openssl ca-certificates nftables iptables
  keepalived ipvsadm nginx apache2 nfs-common nfs-kernel-server
  frr frr-pythontools prometheus-node-exporter prometheus-frr-exporter
  prometheus  # not for the roles: the lab's own scraper (molecule/default, issue 16)
)

# Units that fail or make no sense in a container, and the daemons the roles own.
masked=(getty@tty1.service console-getty.service systemd-logind.service apt-daily.timer apt-daily-upgrade.timer)
# Every container shares the lab VM's kernel, and a privileged one may write its global
# state. binfmt_misc is one table: each container's systemd-binfmt cleared and re-registered
# it at boot, so containers booting together raced ("File exists") and the loser came up
# degraded. The VM owns binfmt_misc and the entropy pool; containers keep only what lives
# in their own namespaces (net.* sysctls, mounts).
masked+=(systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  systemd-random-seed.service)
# Vendor sysctl files that set kernel-global keys (kernel.pid_max, fs.protected_*): masked
# by a /dev/null twin in /etc/sysctl.d, so systemd-sysctl applies only namespaced keys.
global_sysctl_files=(50-pid-max.conf 99-protect-links.conf)
disabled=(nginx.service apache2.service keepalived.service nfs-kernel-server.service
  frr.service prometheus-node-exporter.service prometheus-frr-exporter.service
  prometheus.service)

hooks=()
for unit in "${masked[@]}"; do
  hooks+=(--customize-hook="ln -sf /dev/null \"\$1/etc/systemd/system/$unit\"")
done
for file in "${global_sysctl_files[@]}"; do
  hooks+=(--customize-hook="ln -sf /dev/null \"\$1/etc/sysctl.d/$file\"")
done
for unit in "${disabled[@]}"; do
  hooks+=(--customize-hook="chroot \"\$1\" systemctl disable $unit")
done

# Keep the apt lists: Ansible's apt module looks packages up in them.
mmdebstrap --variant=minbase --skip=cleanup/apt/lists \
  --include="$(IFS=,; echo "${packages[*]}")" \
  "${hooks[@]}" \
  "$suite" "$out" "$mirror"
