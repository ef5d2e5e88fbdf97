#!/bin/sh
# Builds the offline Debian 12 throwaway-host image (systemd as PID 1, sshd, sudo) and imports it as $1.
# The harness tags the image with a hash of this file: edit the recipe and the image is rebuilt.
set -eu
tag="$1"
rootfs="$(mktemp -d /tmp/bosun-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates,curl,gnupg,procps,less \
  bookworm "$rootfs" ${BOSUN_DEBIAN_MIRROR:-}

# Each container generates its own host keys at first boot: a changed key must be detectable.
rm -f "$rootfs"/etc/ssh/ssh_host_*
mkdir -p "$rootfs/etc/systemd/system/ssh.service.d"
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
  > "$rootfs/etc/systemd/system/ssh.service.d/bosun-hostkeys.conf"

# A unique machine id per container; no consoles or hardware units in a container.
: > "$rootfs/etc/machine-id"
for unit in getty@tty1.service console-getty.service systemd-udevd.service systemd-udevd-kernel.socket \
  systemd-udevd-control.socket systemd-modules-load.service sys-kernel-config.mount; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
ln -sf /lib/systemd/system/multi-user.target "$rootfs/etc/systemd/system/default.target"

# Keep downloaded packages so a shared cache volume on /var/cache/apt/archives speeds up later hosts.
rm -f "$rootfs/etc/apt/apt.conf.d/docker-clean"
printf 'APT::Keep-Downloaded-Packages "true";\nBinary::apt::APT::Keep-Downloaded-Packages "true";\n' \
  > "$rootfs/etc/apt/apt.conf.d/10bosun-keep-cache"
# The host uses the same archive (and security suite) as the control machine when it has deb822 sources.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  rm -f "$rootfs/etc/apt/sources.list"
  cp /etc/apt/sources.list.d/debian.sources "$rootfs/etc/apt/sources.list.d/debian.sources"
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

mkdir -p "$rootfs/root/.ssh" && chmod 700 "$rootfs/root/.ssh"
tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/lib/systemd/systemd"]' --change 'ENV container=docker' \
  - "$tag"
