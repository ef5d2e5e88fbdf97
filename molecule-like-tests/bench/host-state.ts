// What the side-by-side part compares between the host Ansible converged and the host Bosun converged: the
// state that matters, read with the hosts' own tools through `docker exec`, and the files under /etc.
import {
  diffFingerprints,
  fingerprintHost,
  type HostFingerprint,
} from '../../lib/testing/host-fingerprint.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';

/** Section name → shell command; each prints lines compared as a set (comments and blank lines dropped). */
const sections: Record<string, string> = {
  'sshd -T': 'sshd -T | sort',
  'ufw status verbose': 'ufw status verbose',
  '/etc/default/ufw': "grep -E '^(IPT_SYSCTL|DEFAULT_[A-Z_]+POLICY|IPV6)=' /etc/default/ufw",
  'fail2ban-client status sshd': "fail2ban-client status sshd | grep -Ev 'Journal matches|Currently|Total'",
  // Its log lines (a timestamped WARNING about allowipv6) are not configuration.
  'fail2ban-client -d': "fail2ban-client -d 2>&1 | grep -v '^[0-9]' | sort",
  'sysctl (live)':
    'for k in $(sed -n \'s/^\\([a-z0-9_.]*\\) *=.*/\\1/p\' /etc/sysctl.d/90-bosun-hardening.conf); do printf \'%s = %s\\n\' "$k" "$(sysctl -n "$k")"; done | sort',
  'sysctl (file)':
    "sed -n 's/^\\([a-z0-9_.]*\\) *= *\\(.*\\)$/\\1 = \\2/p' /etc/sysctl.d/90-bosun-hardening.conf | sort",
  'admin user':
    'id admin; getent passwd admin | cut -d: -f1,6,7; stat -c "%a %U:%G %n" /home/admin /home/admin/.ssh /home/admin/.ssh/authorized_keys; sort /home/admin/.ssh/authorized_keys | sha256sum',
  sudo: 'sudo -l -U admin | grep -E "NOPASSWD|ALL"; stat -c "%a %U:%G %n" /etc/sudoers.d/90-bosun-nopasswd',
  'root password': "passwd -S root | cut -d' ' -f1,2",
  // Everything but the day of the last change.
  'shadow entries': 'getent shadow root admin | cut -d: -f1,2,4-',
  groups: 'getent group adm sudo admin; getent gshadow adm sudo admin',
  'unattended-upgrades (apt-config)': "apt-config dump | grep -E '^(APT::Periodic|Unattended-Upgrade)::'",
  'timers and services':
    'for u in apt-daily.timer apt-daily-upgrade.timer ssh.service ssh.socket ufw.service fail2ban.service unattended-upgrades.service; do echo "$u $(systemctl is-enabled $u 2>/dev/null) $(systemctl is-active $u)"; done',
  'DH moduli': "awk '!/^#/ && NF >= 7 && $5 < 3071' /etc/ssh/moduli | wc -l; sha256sum </etc/ssh/moduli",
  'sshd host keys': 'for f in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -l -f "$f" | cut -d" " -f1,4; done',
  packages: "dpkg-query -W -f '${Package} ${Version}\\n'",
};

export type HostState = Record<string, string[]>;

export async function readHostState(host: ThrowawayHost): Promise<HostState> {
  const state: HostState = {};
  for (const [name, command] of Object.entries(sections)) {
    const { output } = await host.exec(`{ ${command}; } 2>&1`);
    state[name] = output
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  }
  return state;
}

/** One line per difference: `section: only ansible: LINE` / `only bosun: LINE`. */
export function diffHostStates(ansible: HostState, bosun: HostState): string[] {
  return Object.keys(sections).flatMap((name) => {
    const [a, b] = [new Set(ansible[name]), new Set(bosun[name])];
    return [
      ...[...a].filter((line) => !b.has(line)).map((line) => `${name}: only ansible: ${line}`),
      ...[...b].filter((line) => !a.has(line)).map((line) => `${name}: only bosun: ${line}`),
    ];
  });
}

/**
 * Files not compared byte for byte: those every host has its own of (keys, names, ids), the backups that
 * shadow's tools leave (`/etc/shadow-`: the file before the last change, which depends on the order of the
 * changes), the shadow files themselves (their entries are compared above, without the day of the last
 * change), and the sysctl drop-in (its keys and values are compared above; Ansible writes `key=value`).
 */
const notComparedFiles = [
  /^\/etc\/ssh\/ssh_host_.*_key(\.pub)?$/,
  /^\/etc\/(hostname|hosts|machine-id|resolv\.conf)$/,
  /^\/etc\/(passwd|shadow|group|gshadow|subuid|subgid)-$/,
  /^\/etc\/(shadow|gshadow)$/,
  /^\/etc\/sysctl\.d\/90-bosun-hardening\.conf$/,
];

/**
 * The files under /etc (and /var/lib/bosun, ...) that differ between the two hosts, with the comment-only
 * differences of files written from the same text (their "Managed by" headers) left to the caller.
 */
export async function fingerprintDiff(
  ansibleHost: ThrowawayHost,
  bosunHost: ThrowawayHost,
): Promise<string[]> {
  const [a, b]: HostFingerprint[] = await Promise.all([
    fingerprintHost(ansibleHost),
    fingerprintHost(bosunHost),
  ]);
  return diffFingerprints(a, b)
    .filter((line) => !line.startsWith('unit ') && !line.startsWith('package '))
    .filter(
      (line) => !notComparedFiles.some((pattern) => pattern.test(line.split(':')[0].replace(/^file /, ''))),
    );
}

/** Files whose text, comments and blank lines left out, differs between the two hosts. */
export async function contentDiff(
  ansibleHost: ThrowawayHost,
  bosunHost: ThrowawayHost,
  paths: string[],
): Promise<string[]> {
  const read = (host: ThrowawayHost, path: string) =>
    host.exec(`grep -Ev '^[[:space:]]*(#|//)|^[[:space:]]*$' ${path} || true`).then((r) => r.output);
  const differing: string[] = [];
  for (const path of paths) {
    const [a, b] = await Promise.all([read(ansibleHost, path), read(bosunHost, path)]);
    if (a !== b) differing.push(path);
  }
  return differing;
}
