import { sh } from '../transport/shell.js';

/**
 * What a run could write on a host, reduced to comparable entries: every file, directory and link under
 * the watched paths (type, mode, owner, sha256 or link target), every installed package, every unit's
 * state. Two fingerprints that differ prove that something was written, e.g. by a `--check` run.
 */
export interface HostFingerprint {
  /** path → 'f 644 root:root <sha256>', 'd 755 root:root', 'l 777 root:root -> target' */
  files: Map<string, string>;
  /** 'name:arch' → 'version status' */
  packages: Map<string, string>;
  /** unit → 'load active sub' */
  units: Map<string, string>;
}

export interface FingerprintOptions {
  /** Folders to walk; missing ones are skipped (they may appear: that is a difference too). */
  paths?: string[];
  /** Unit name patterns (`*` wildcard) left out of the comparison. */
  ignoreUnits?: string[];
}

/** /etc is what the brief asks for; the others are where Bosun's resources and markers write besides. */
export const defaultFingerprintPaths = ['/etc', '/var/lib/bosun', '/usr/local', '/opt', '/srv', '/var/www'];

/**
 * Units that change without anyone writing: SSH logins (systemd-logind makes a session scope and a
 * user manager per login) and the timer jobs a fresh Debian runs by itself.
 */
export const defaultIgnoredUnits = [
  'session-*.scope',
  'user@*.service',
  'user-*.slice',
  'user-runtime-dir@*.service',
  'apt-daily*.service',
  'dpkg-db-backup.service',
  'e2scrub*.service',
  'fstrim.service',
  'logrotate.service',
  'man-db.service',
  'systemd-tmpfiles-clean.service',
  // Docker's healthchecks run `runc exec`, which mounts and unmounts a transient unit each time.
  'run-docker-runtime*-runc.*.mount',
];

/** The shell script that prints a fingerprint; run it as root inside the host (outside SSH). */
export function fingerprintCommand(paths: string[] = defaultFingerprintPaths): string {
  return sh`for root in ${paths}; do
  [ -e "$root" ] || continue
  find "$root" -printf 'M %y %m %u:%g %p\\0%l\\n'
  find "$root" -type f -exec sha256sum -z {} + | tr '\\0' '\\n' | sed 's/^/H /'
done
dpkg-query -W -f '\${db:Status-Abbrev} \${Package}:\${Architecture} \${Version}\\n' | sed 's/^/P /'
systemctl list-units --all --no-legend --plain --full | sed 's/^/U /'
`.text;
}

/** Takes the fingerprint of a host through a channel outside SSH (`docker exec`), so taking it logs nobody in. */
export async function fingerprintHost(
  host: { name: string; exec(command: string): Promise<{ code: number; output: string }> },
  options: Pick<FingerprintOptions, 'paths'> = {},
): Promise<HostFingerprint> {
  const { code, output } = await host.exec(fingerprintCommand(options.paths));
  if (code !== 0)
    throw new Error(`cannot fingerprint host ${host.name} (exit ${code}): ${output.slice(-2000)}`);
  return parseFingerprint(output);
}

/** Reads the output of fingerprintCommand. */
export function parseFingerprint(output: string): HostFingerprint {
  const meta = new Map<string, string>();
  const hashes = new Map<string, string>();
  const packages = new Map<string, string>();
  const units = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [kind, rest] = [line.slice(0, 2), line.slice(2)];
    if (kind === 'M ') {
      const [head, target] = rest.split('\0');
      const match = /^(\S) (\d+) (\S+) (.*)$/.exec(head);
      if (!match) continue;
      const [, type, mode, owner, path] = match;
      meta.set(path, `${type} ${mode} ${owner}${type === 'l' ? ` -> ${target}` : ''}`);
    } else if (kind === 'H ') {
      const match = /^([0-9a-f]{64}) {2}(.*)$/.exec(rest);
      if (match) hashes.set(match[2], match[1]);
    } else if (kind === 'P ') {
      const [status, name, version = ''] = rest.trim().split(/\s+/);
      if (name) packages.set(name, `${version} ${status}`);
    } else if (kind === 'U ') {
      const [unit, load, active, sub] = rest.trim().split(/\s+/);
      if (sub !== undefined) units.set(unit, `${load} ${active} ${sub}`);
    }
  }
  const files = new Map<string, string>();
  for (const [path, description] of meta) {
    const hash = hashes.get(path);
    files.set(path, hash ? `${description} ${hash}` : description);
  }
  return { files, packages, units };
}

/** One line per difference, e.g. `file /etc/motd: added (f 644 root:root 3a…)`; empty when equal. */
export function diffFingerprints(
  before: HostFingerprint,
  after: HostFingerprint,
  options: Pick<FingerprintOptions, 'ignoreUnits'> = {},
): string[] {
  const ignored = (options.ignoreUnits ?? defaultIgnoredUnits).map(globToRegExp);
  const keepUnit = (unit: string) => !ignored.some((pattern) => pattern.test(unit));
  return [
    ...diffMaps('file', before.files, after.files),
    ...diffMaps('package', before.packages, after.packages),
    ...diffMaps('unit', before.units, after.units, keepUnit),
  ];
}

function diffMaps(
  kind: string,
  before: Map<string, string>,
  after: Map<string, string>,
  keep: (key: string) => boolean = () => true,
): string[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].filter(keep).sort();
  return keys.flatMap((key) => {
    const [was, now] = [before.get(key), after.get(key)];
    if (was === now) return [];
    if (was === undefined) return [`${kind} ${key}: added (${now})`];
    if (now === undefined) return [`${kind} ${key}: removed (was ${was})`];
    return [`${kind} ${key}: ${was} → ${now}`];
  });
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}
