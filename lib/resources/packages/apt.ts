import { OptionsError, TaskError } from '../../errors.js';
import { sh, raw, type ShellCommand } from '../../transport/shell.js';
import { run } from '../actions.js';
import type { Plan, Resource } from '../resource.js';
import { checkExit, rootHint } from '../commands/run-checked.js';

export interface AptOptions {
  /** Package names, optionally pinned as `name=version` (pyinfra's spelling; `name` is Ansible's). */
  packages?: string | string[];
  name?: string | string[];
  /** 'present' (default), 'absent', or 'latest' (install, and upgrade to the candidate version). */
  state?: 'present' | 'absent' | 'latest';
  /**
   * Refresh the apt lists (`apt-get update`) before installing or upgrading, when they are older than
   * `cacheValidTime` or empty. On by default (Ansible's `update_cache` is off, and a fresh host then fails).
   * Nothing is refreshed when nothing has to be installed.
   */
  updateCache?: boolean;
  /** Seconds the apt lists count as fresh (Ansible's `cache_valid_time`). Default 3600. */
  cacheValidTime?: number;
  /** With state 'absent': remove the configuration files too (`apt-get purge`). */
  purge?: boolean;
  /** Install recommended packages (apt's default); false adds `--no-install-recommends`. */
  installRecommends?: boolean;
}

/** What dpkg and apt say about one package. */
export interface AptPackageState {
  /** dpkg's status: 'installed', 'config-files', 'half-installed', ...; undefined when dpkg never had it. */
  status?: string;
  version?: string;
  /** The version `apt-get install` would pick, from the current lists. */
  candidate?: string;
}

export interface AptState {
  packages: Record<string, AptPackageState>;
  /** Seconds since the apt lists were refreshed; undefined when they are empty. */
  listsAge?: number;
  /** The tasks run as root: otherwise a failure says that apt needs it. */
  asRoot: boolean;
}

export interface AptDesired {
  packages: { name: string; version?: string }[];
  state: 'present' | 'absent' | 'latest';
  updateCache: boolean;
  cacheValidTime: number;
  purge: boolean;
  installRecommends: boolean;
}

/** What to do, decided once from the probed state: the plan's lines and its action come from it. */
export interface AptDecision {
  refresh: boolean;
  install: string[];
  remove: string[];
  lines: string[];
  /** A package that the fresh lists do not know: an earlier task must add its repository. */
  blocker?: string;
}

const stampFile = '/var/lib/apt/periodic/update-success-stamp';

/**
 * Debian packages (Ansible's `apt`, pyinfra's `apt.packages`). Probes dpkg's status, the candidate versions
 * and the age of the apt lists in one round trip. The lists are refreshed only when something
 * is to be installed, and only when they are empty or older than `cacheValidTime` (or lack a wanted
 * package). apt runs non-interactively, keeps changed configuration files (`--force-confold`) and waits up
 * to two minutes for another apt to release its lock.
 *
 * + packages (or name): one or more packages, `name` or `name=version`
 * + state: 'present' (default), 'absent' or 'latest'
 * + updateCache: refresh stale lists before installing (default true); cacheValidTime: seconds (default 3600)
 * + purge: with 'absent', remove configuration files too
 * + installRecommends: false for `--no-install-recommends`
 *
 * Plan lines: `install nginx`, `upgrade curl 7.88.1-10 → 7.88.1-10+deb12u5`, `remove telnet`, `purge telnet`;
 * an install that the lists could not confirm says so: `install nginx (unverified: the apt lists are empty)`.
 *
 * With state 'latest' and lists older than `cacheValidTime`, the plan cannot know whether a newer version
 * exists: it plans `upgrade curl if a newer version is available (...)`, refreshes before upgrading, and reports
 * a change even when none turned up.
 *
 * @example
 * apt({ packages: ['nginx', 'curl'] })
 * apt({ name: 'telnet', state: 'absent', purge: true })
 * apt({ packages: ['openssl'], state: 'latest', cacheValidTime: 86400 })
 */
export function apt(options: AptOptions): Resource<AptState> {
  const desired = aptDesired(options);
  const names = desired.packages.map((p) => p.name);

  return {
    kind: 'apt',
    id: desired.packages.map((p) => (p.version ? `${p.name}=${p.version}` : p.name)).join(' '),
    probe(ctx) {
      if (!ctx.facts.tools.apt) {
        throw new TaskError(
          'APT_UNAVAILABLE',
          `${ctx.transport.hostName}: apt-get is not installed (${ctx.facts.os.prettyName || 'unknown OS'}); the apt resource needs a Debian-family host.`,
        );
      }
      return {
        script: aptProbeScript(names, desired.state),
        parse: (result) => {
          const { stdout } = checkExit(ctx.transport.hostName, result, 'probing apt packages', {
            code: 'PROBE_FAILED',
          });
          return { ...parseAptProbe(stdout, names), asRoot: ctx.facts.isRoot };
        },
      };
    },
    plan: (current) => planApt(current, desired),
  };
}

/** The plan of the apt resource: pure, from the probed state and the wanted packages; one script runs it all. */
export function planApt(current: AptState, desired: AptDesired): Plan {
  const decision = decideApt(current, desired);
  if (decision.lines.length === 0) return { actions: [], changes: [] };
  const flags = raw(
    '-y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold' +
      (desired.installRecommends ? '' : ' --no-install-recommends'),
  );
  const steps: ShellCommand[] = [raw('set -e')];
  if (decision.refresh) {
    steps.push(raw('apt-get -q -o DPkg::Lock::Timeout=120 update'));
    steps.push(sh`mkdir -p /var/lib/apt/periodic && touch ${stampFile}`);
  }
  if (decision.install.length > 0) steps.push(sh`apt-get ${flags} install ${decision.install}`);
  if (decision.remove.length > 0)
    steps.push(sh`apt-get ${flags} ${raw(desired.purge ? 'purge' : 'remove')} ${decision.remove}`);
  const action = run(steps.map(String).join('\n'), `apt (${decision.lines.join(', ')})`, 'APT_FAILED', {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    ...rootHint(current.asRoot, 'apt needs root'),
  });
  return {
    actions: [action],
    changes: decision.lines,
    ...(decision.blocker ? { needsEarlierChanges: decision.blocker } : {}),
  };
}

/** Decides what to install, upgrade and remove, and whether the lists must be refreshed first. */
export function decideApt(current: AptState, desired: AptDesired): AptDecision {
  const stale = current.listsAge === undefined || current.listsAge > desired.cacheValidTime;
  const staleness =
    current.listsAge === undefined
      ? 'the apt lists are empty'
      : `the apt lists are ${formatAge(current.listsAge)} old`;
  const decision: AptDecision = { refresh: false, install: [], remove: [], lines: [] };
  let needsRefresh = false;

  for (const { name, version } of desired.packages) {
    const pkg = current.packages[name] ?? {};
    const installed = pkg.status === 'installed';
    const spec = version ? `${name}=${version}` : name;
    if (desired.state === 'absent') {
      // 'config-files' is what `remove` leaves behind: only purge has something left to do.
      const present = pkg.status !== undefined && pkg.status !== 'not-installed';
      if (present && (pkg.status !== 'config-files' || desired.purge)) {
        decision.remove.push(name);
        decision.lines.push(`${desired.purge ? 'purge' : 'remove'} ${name}`);
      }
      continue;
    }
    if (!installed) {
      decision.install.push(spec);
      if (pkg.candidate === undefined && stale)
        decision.lines.push(`install ${spec} (unverified: ${staleness})`);
      else decision.lines.push(`install ${spec}`);
      if (pkg.candidate === undefined) {
        needsRefresh = true;
        if (!stale)
          decision.blocker ??= `package ${name} is not in the apt lists yet (an earlier task adds its repository?)`;
      }
    } else if (version && pkg.version !== version) {
      decision.install.push(spec);
      decision.lines.push(`install ${spec} (now ${pkg.version})`);
    } else if (desired.state === 'latest' && !version) {
      if (pkg.candidate !== undefined && pkg.candidate !== pkg.version) {
        decision.install.push(name);
        decision.lines.push(`upgrade ${name} ${pkg.version} → ${pkg.candidate}`);
      } else if (stale && desired.updateCache) {
        decision.install.push(name);
        decision.lines.push(`upgrade ${name} if a newer version is available (${staleness})`);
      }
    }
  }
  decision.refresh = desired.updateCache && decision.install.length > 0 && (stale || needsRefresh);
  return decision;
}

function aptDesired(options: AptOptions): AptDesired {
  const given = options.packages ?? options.name;
  const list = given === undefined ? [] : Array.isArray(given) ? given : [given];
  if (list.length === 0 || (options.packages !== undefined && options.name !== undefined)) {
    throw new OptionsError(
      'APT_OPTIONS',
      'apt: give the packages in `packages` (or `name`), one of the two.',
    );
  }
  const packages = list.map((spec) => {
    const match = /^([a-z0-9][a-z0-9+.-]+)(?:=([A-Za-z0-9.+~:-]+))?$/.exec(spec);
    if (!match) {
      throw new OptionsError(
        'APT_OPTIONS',
        `apt: '${spec}' is not a Debian package name (lowercase letters, digits, + - .), optionally '=version'.`,
      );
    }
    return { name: match[1], ...(match[2] ? { version: match[2] } : {}) };
  });
  const cacheValidTime = options.cacheValidTime ?? 3600;
  if (!Number.isFinite(cacheValidTime) || cacheValidTime < 0)
    throw new OptionsError(
      'APT_OPTIONS',
      `apt: cacheValidTime must be a number of seconds, not ${cacheValidTime}.`,
    );
  return {
    packages,
    state: options.state ?? 'present',
    updateCache: options.updateCache ?? true,
    cacheValidTime,
    purge: options.purge ?? false,
    installRecommends: options.installRecommends ?? true,
  };
}

function aptProbeScript(names: string[], state: AptDesired['state']): string {
  return [
    'echo "now=$(date +%s)"',
    sh`stat -c 'stamp=%Y' ${stampFile} 2>/dev/null`,
    "stat -c 'lists=%Y' /var/lib/apt/lists 2>/dev/null",
    'ls /var/lib/apt/lists 2>/dev/null | grep -q _Packages && echo lists_populated=1',
    String(
      sh`dpkg-query -W -f='dpkg\\t\${Package}\\t\${db:Status-Status}\\t\${Version}\\n' ${names} 2>/dev/null`,
    ),
    // Candidates are needed to confirm installs and find upgrades; removals never need them.
    state === 'absent' ? '' : String(sh`apt-cache policy ${names} 2>/dev/null`),
    'exit 0',
  ].join('\n');
}

/** Reads the probe's output: the dpkg lines, `apt-cache policy` sections and the lists' timestamps. */
export function parseAptProbe(stdout: string, names: string[]): Omit<AptState, 'asRoot'> {
  const packages: Record<string, AptPackageState> = Object.fromEntries(names.map((name) => [name, {}]));
  const value = (key: string) => new RegExp(`^${key}=(\\d+)$`, 'm').exec(stdout)?.[1];
  for (const [, name, status, version] of stdout.matchAll(/^dpkg\t([^\t\n]+)\t([^\t\n]*)\t([^\t\n]*)$/gm)) {
    if (!Object.hasOwn(packages, name)) continue;
    packages[name].status = status || undefined;
    if (status !== 'not-installed' && status !== 'config-files' && version) packages[name].version = version;
  }
  for (const [, name, candidate] of stdout.matchAll(
    /^(\S+?)(?::\S+)?:\n\s+Installed: .*\n\s+Candidate: (.*)$/gm,
  )) {
    if (Object.hasOwn(packages, name) && candidate.trim() !== '(none)')
      packages[name].candidate = candidate.trim();
  }
  const now = Number(value('now'));
  const refreshed = Math.max(Number(value('stamp') ?? 0), Number(value('lists') ?? 0));
  return {
    packages,
    ...(/^lists_populated=1$/m.test(stdout) ? { listsAge: Math.max(0, now - refreshed) } : {}),
  };
}

function formatAge(seconds: number): string {
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 3 * 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} days`;
}
