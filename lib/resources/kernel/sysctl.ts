import { dirname } from 'node:path';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from '../files/absolute-path.js';
import { contentDiff } from '../files/content-diff.js';
import type { Plan, Resource } from '../resource.js';
import { runChecked } from '../commands/run-checked.js';

export interface SysctlOptions {
  /** Kernel settings, `{ 'net.ipv4.tcp_syncookies': 1 }`; a value with several fields is one string: '32768 60999'. */
  settings: Record<string, string | number>;
  /** The drop-in that holds them for every boot. Default /etc/sysctl.d/99-bosun.conf. */
  file?: string;
  /** Also set them in the running kernel (`sysctl -w`) and read them back. Default true. */
  apply?: boolean;
}

/** What the running kernel says about one key. */
export interface SysctlKeyState {
  /** The key exists under /proc/sys. */
  known: boolean;
  /** /proc/sys lets this host write it (false in a container without `systempaths=unconfined`). */
  writable: boolean;
  /** The live value, whitespace collapsed; undefined when it cannot be read. */
  value?: string;
}

export interface SysctlState {
  /** The current drop-in, as text; undefined when it does not exist. */
  content?: string;
  parentExists: boolean;
  keys: Record<string, SysctlKeyState>;
  /** The host is a container: only its network keys (net.*) are its own, the others are the machine's. */
  container: boolean;
}

export interface SysctlDesired {
  file: string;
  /** Keys and values in the order given, values normalized to text. */
  settings: [string, string][];
  apply: boolean;
}

/** What apply does; the plan's lines come from the same decision. */
export interface SysctlActions {
  /** The new drop-in, when it differs. */
  content?: string;
  /** Keys to set in the running kernel. */
  live: [string, string][];
  /** Keys whose live value differs and that cannot be set here, each with the reason. */
  notLive: string[];
  lines: string[];
}

// systemd-detect-virt's names for containers (VMs have a kernel of their own).
const containers = new Set([
  'docker',
  'podman',
  'lxc',
  'lxc-libvirt',
  'systemd-nspawn',
  'openvz',
  'rkt',
  'pouch',
  'proot',
  'container-other',
]);

/**
 * Kernel settings (Ansible's `ansible.posix.sysctl`, pyinfra's `server.sysctl`): persisted in a sysctl.d
 * drop-in, written atomically, and set in the running kernel with `sysctl -w`, each read back to prove it
 * took. One round trip probes the drop-in and, for every key, whether it exists, whether it is writable
 * and its live value.
 *
 * Keys that cannot be set live are persisted and reported, never faked: in a container only `net.*` keys
 * belong to the container (its network namespace); `kernel.*`, `fs.*` and `vm.*` are the machine's kernel and
 * are never written from a container, even where /proc/sys lets it (`systempaths=unconfined`). Read-only
 * and unknown keys are reported the same way. Such keys never make a later run report a change.
 *
 * + settings: key → value
 * + file: the drop-in (default /etc/sysctl.d/99-bosun.conf; /etc/sysctl.conf, read last, still wins at boot)
 * + apply: set the live kernel too (default true)
 *
 * Plan lines: `create /etc/sysctl.d/99-bosun.conf` (with a diff), `content`, `set net.ipv4.tcp_syncookies 0 → 1`,
 * `persisted for the next boot, not applied live: kernel.kptr_restrict = 2 (the machine's kernel, not this
 * container's)`.
 *
 * @example
 * sysctl({ settings: { 'net.ipv4.tcp_syncookies': 1, 'kernel.kptr_restrict': 2 }, file: '/etc/sysctl.d/90-hardening.conf' })
 * sysctl({ settings: { 'vm.swappiness': 10 }, apply: false }) // at the next boot only
 */
export function sysctl(options: SysctlOptions): Resource<SysctlState> {
  const desired = sysctlDesired(options);
  const { file } = desired;

  return {
    kind: 'sysctl',
    id: file,
    async probe(ctx) {
      const result = await runChecked(ctx.transport, sysctlProbeScript(desired), `probing ${file}`, {
        code: 'PROBE_FAILED',
      });
      return parseSysctlProbe(result.stdout, containers.has(ctx.facts.virtualization));
    },
    plan: (current) => planSysctl(current, desired),
    async apply(ctx, current) {
      const actions = sysctlActions(current, desired);
      // The running kernel first: a value it refuses fails the task before the drop-in makes it permanent.
      if (actions.live.length > 0) {
        const result = await runChecked(
          ctx.transport,
          liveScript(actions.live),
          'setting kernel parameters',
          {
            code: 'SYSCTL_FAILED',
            hint: ctx.facts.isRoot ? undefined : 'sysctl needs root: connect as root or set become.',
          },
        );
        const readBack = parseKeyLines(result.stdout);
        const wrong = actions.live.filter(([key, value]) => readBack[key]?.value !== value);
        if (wrong.length > 0) {
          const details = wrong.map(
            ([key, value]) => `${key} = ${readBack[key]?.value ?? '?'} (wanted ${value})`,
          );
          throw new TaskError(
            'SYSCTL_NOT_APPLIED',
            `${ctx.transport.hostName}: the kernel did not keep ${details.join(', ')}; ${file} was not written.`,
          );
        }
      }
      if (actions.content !== undefined) await ctx.transport.upload(file, actions.content, { mode: '0644' });
    },
  };
}

/** The plan of a sysctl drop-in: pure, from the probed state and the wanted settings. */
export function planSysctl(current: SysctlState, desired: SysctlDesired): Plan {
  const actions = sysctlActions(current, desired);
  const diff =
    actions.content !== undefined
      ? contentDiff(desired.file, current.content ?? '', actions.content)
      : undefined;
  const blocker =
    actions.content !== undefined && !current.parentExists
      ? `directory ${dirname(desired.file)} does not exist yet`
      : undefined;
  return {
    changes: actions.lines,
    ...(diff ? { diff } : {}),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

/** Decides the drop-in, the keys to set live, and the keys that cannot be. */
export function sysctlActions(current: SysctlState, desired: SysctlDesired): SysctlActions {
  const content = sysctlFileContent(desired.settings);
  const actions: SysctlActions = { live: [], notLive: [], lines: [] };
  if (current.content !== content) {
    actions.content = content;
    actions.lines.push(current.content === undefined ? `create ${desired.file}` : 'content');
  }
  for (const [key, value] of desired.settings) {
    const live = current.keys[key] ?? { known: false, writable: false };
    if (live.known && live.value === value) continue;
    const reason = !desired.apply
      ? 'apply: false'
      : !live.known
        ? 'unknown to the running kernel'
        : current.container && !isNetworkKey(key)
          ? "the machine's kernel, not this container's"
          : !live.writable
            ? 'read-only /proc/sys here'
            : live.value === undefined
              ? 'cannot be read back'
              : undefined;
    if (reason === undefined) {
      actions.live.push([key, value]);
      actions.lines.push(`set ${key} ${live.value} → ${value}`);
    } else {
      actions.notLive.push(`${key} = ${value} (${reason})`);
    }
  }
  // Reported with the change of the drop-in that persists them; alone they are no change this run can make.
  if (actions.content !== undefined && actions.notLive.length > 0)
    actions.lines.push(`persisted for the next boot, not applied live: ${actions.notLive.join(', ')}`);
  return actions;
}

/** The drop-in's text: one `key = value` line per setting, in the order given. */
export function sysctlFileContent(settings: [string, string][]): string {
  const lines = settings.map(([key, value]) => `${key} = ${value}`);
  return `# Managed by Bosun: applied at boot by systemd-sysctl (see sysctl.d(5)). Local changes are overwritten.\n${lines.join('\n')}\n`;
}

/** Reads the probe: the drop-in's content and one tab-separated line per key. */
export function parseSysctlProbe(stdout: string, container: boolean): SysctlState {
  const values = parseKeyValues(stdout);
  const content = values.get('content');
  return {
    ...(content !== undefined ? { content: Buffer.from(content, 'base64').toString('utf8') } : {}),
    parentExists: !values.has('parent_missing'),
    keys: parseKeyLines(stdout),
    container,
  };
}

/** `key<TAB>name<TAB>missing` or `key<TAB>name<TAB>w|ro<TAB>value` lines, as the probe and the read-back print them. */
function parseKeyLines(stdout: string): Record<string, SysctlKeyState> {
  const keys: Record<string, SysctlKeyState> = {};
  for (const line of stdout.split('\n')) {
    const [tag, key, access, ...rest] = line.split('\t');
    if (tag !== 'key' || key === undefined) continue;
    if (access === 'missing' || access === undefined) keys[key] = { known: false, writable: false };
    else
      keys[key] = {
        known: true,
        writable: access === 'w',
        ...(rest[0] === 'unreadable' ? {} : { value: normalize(rest.join(' ')) }),
      };
  }
  return keys;
}

function sysctlDesired(options: SysctlOptions): SysctlDesired {
  const file = absolutePath(options.file ?? '/etc/sysctl.d/99-bosun.conf', 'sysctl');
  if (typeof options.settings !== 'object' || options.settings === null)
    throw new OptionsError('SYSCTL_OPTIONS', `sysctl ${file}: settings must be an object of key → value.`);
  const settings = Object.entries(options.settings).map(([key, raw]): [string, string] => {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/.test(key) || key.includes('..') || key.endsWith('.'))
      throw new OptionsError(
        'SYSCTL_OPTIONS',
        `sysctl ${file}: '${key}' is not a kernel parameter name such as net.ipv4.tcp_syncookies.`,
      );
    const value = normalize(String(raw));
    if ((typeof raw !== 'string' && typeof raw !== 'number') || value === '' || /[\n#;]/.test(String(raw)))
      throw new OptionsError(
        'SYSCTL_OPTIONS',
        `sysctl ${file}: the value of ${key} must be a number or a one-line string without # or ;.`,
      );
    return [key, value];
  });
  if (settings.length === 0)
    throw new OptionsError('SYSCTL_OPTIONS', `sysctl ${file}: give at least one setting.`);
  return { file, settings, apply: options.apply ?? true };
}

function sysctlProbeScript(desired: SysctlDesired): string {
  return [
    String(sh`f=${desired.file}`),
    '[ -d "$(dirname -- "$f")" ] || echo parent_missing=1',
    'if [ -f "$f" ]; then printf \'content=\'; base64 -w0 < "$f"; echo; fi',
    readKeysScript(desired.settings.map(([key]) => key)),
    'exit 0',
  ].join('\n');
}

/** Sets each key, then prints them as the probe does, so the read-back is parsed the same way. */
function liveScript(live: [string, string][]): string {
  const writes = live.map(([key, value]) => String(sh`sysctl -q -w ${`${key}=${value}`} || rc=1`));
  return ['rc=0', ...writes, readKeysScript(live.map(([key]) => key)), 'exit $rc'].join('\n');
}

/** For each key: whether /proc/sys has it, whether it is writable, and its value on one line. */
function readKeysScript(keys: string[]): string {
  return [
    String(sh`for k in ${keys}; do`),
    // A key with a '/' is in path form already (dots kept, e.g. in a VLAN interface name).
    '  case "$k" in */*) p="/proc/sys/$k";; *) p="/proc/sys/$(printf %s "$k" | tr . /)";; esac',
    '  if [ ! -f "$p" ]; then printf \'key\\t%s\\tmissing\\n\' "$k"; continue; fi',
    '  [ -w "$p" ] && a=w || a=ro',
    '  v=$(cat "$p" 2>/dev/null) && v=$(printf %s "$v" | tr \'\\t\\n\' \'  \') || v=unreadable',
    '  printf \'key\\t%s\\t%s\\t%s\\n\' "$k" "$a" "$v"',
    'done',
  ].join('\n');
}

/** Container keys that are the container's own: its network namespace. */
const isNetworkKey = (key: string) => /^net[./]/.test(key);
const normalize = (value: string) => value.trim().split(/\s+/).join(' ');
