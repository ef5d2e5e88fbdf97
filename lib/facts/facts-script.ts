/**
 * The one shell script that gathers a host's facts: `key=value` lines, read by `parseFacts`.
 * POSIX sh, nothing to install on the target; every probe tolerates a missing tool (stderr is
 * discarded, absent keys become defaults), so a minimal container answers as well as a full server.
 */
export const coreFactsScript = String.raw`exec 2>/dev/null
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then grep -E '^(ID|ID_LIKE|VERSION_ID|VERSION_CODENAME|PRETTY_NAME)=' "$f" | sed 's/^/os./'; break; fi
done
echo "arch=$(uname -m)"
echo "kernel=$(uname -r)"
echo "deb_arch=$(dpkg --print-architecture)"
echo "cpus=$(nproc || getconf _NPROCESSORS_ONLN)"
echo "mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
echo "hostname=$(uname -n)"
echo "user=$(id -un)"
echo "uid=$(id -u)"
echo "init=$(cat /proc/1/comm)"
if command -v systemd-detect-virt >/dev/null; then echo "virt=$(systemd-detect-virt)"
elif [ -e /.dockerenv ]; then echo virt=docker
elif [ -e /run/.containerenv ]; then echo virt=podman
fi
for tool in apt-get systemctl sudo ufw docker; do
  command -v "$tool" >/dev/null && echo "tool.$tool=yes"
done
exit 0
`;
