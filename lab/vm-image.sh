#!/usr/bin/env bash
# Build the lab VM's disk: Debian bookworm with the cloud kernel (IPVS, ipip, nfsd as
# modules) and a Docker engine listening on tcp/2375 inside the VM.
# Usage: vm-image.sh OUTDIR   -> OUTDIR/{disk.img,vmlinuz,initrd.img}
# The lab caches OUTDIR under a hash of this file, so any change here rebuilds the VM.
set -euo pipefail

out=$1
mirror=${LVS_LAB_MIRROR:-http://deb.debian.org/debian}
rootfs=$(mktemp -d "${out}.rootfs.XXXX")
trap 'rm -rf "$rootfs"' EXIT

packages=(
  linux-image-cloud-amd64 systemd-sysv udev dbus iproute2 ifupdown isc-dhcp-client
  docker.io nfs-kernel-server ipvsadm kmod procps ca-certificates iptables python3
)

# Kernel modules the scenarios need: containers share the VM kernel and cannot load modules.
modules=(
  ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh
  ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_pe_sip
  ipip ip_gre fou nf_conntrack nfsd
)

customize() {
  local root=$1
  echo '/dev/vda / ext4 defaults,errors=remount-ro 0 1' >"$root/etc/fstab"
  echo lvs-lab >"$root/etc/hostname"
  printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' \
    >"$root/etc/network/interfaces"
  printf '%s\n' "${modules[@]}" >"$root/etc/modules-load.d/lvs-lab.conf"
  # lockd's ports are kernel-global (not per network namespace): the VM sets the ports the
  # nfs_server role pins (4045), so the NFS server container's write changes nothing.
  echo 'options lockd nlm_tcpport=4045 nlm_udpport=4045' >"$root/etc/modprobe.d/lvs-lab-lockd.conf"

  # Docker API on tcp/2375: QEMU forwards it to 127.0.0.1 on the host only.
  # --iptables=false: Docker's FORWARD/isolation rules drop NAT'd traffic between the
  # lab's bridges, and containers have no business reaching outside the VM anyway.
  mkdir -p "$root/etc/systemd/system/docker.service.d"
  cat >"$root/etc/systemd/system/docker.service.d/lab.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2375 --containerd=/run/containerd/containerd.sock --iptables=false --ip6tables=false
ExecStartPost=-/usr/sbin/sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0
EOF
  # Periodic jobs only steal the emulated CPU from the tests.
  for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
}

mmdebstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
  bookworm "$rootfs" "$mirror"
customize "$rootfs"

mkdir -p "$out"
cp "$rootfs"/boot/vmlinuz-* "$out/vmlinuz"
cp "$rootfs"/boot/initrd.img-* "$out/initrd.img"
rm -f "$out/disk.img"
truncate -s 12G "$out/disk.img"
mkfs.ext4 -q -F -L lvs-lab -d "$rootfs" "$out/disk.img"
