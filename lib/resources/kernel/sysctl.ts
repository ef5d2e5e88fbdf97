import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from '../files/absolute-path.js';
import { contentDiff } from '../files/content-diff.js';
import { custom, upload, type Action, type CustomAction } from '../actions.js';
import type { Plan, Resource, ResourceContext } from '../resource.js';
import { checkExit, runChecked } from '../commands/run-checked.js';

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
  /** sha256 (hex) of the current drop-in; undefined when it does not exist. */
  sha256?: string;
  /** The current drop-in, as text: read only with --diff, for the diff. */
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

/** What to do, decided once from the probed state: the plan's lines and actions. */
export interface SysctlDecision {
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
    probe: (ctx) => ({
      script: sysctlProbeScript(desired, ctx.diff),
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, `probing ${file}`, {
          code: 'PROBE_FAILED',
        });
        return parseSysctlProbe(stdout, containers.has(ctx.facts.virtualization));
      },
    }),
    plan: (current) => planSysctl(current, desired),
    async execute(ctx, action) {
      await setLive(ctx, action as SetLive, file);
    },
  };
}

/** Keys written to the running kernel with `sysctl -w`, then read back. */
interface SetLive extends CustomAction {
  name: 'set-live';
  settings: [string, string][];
}

/** The plan of a sysctl drop-in: pure, from the probed state and the wanted settings. */
export function planSysctl(current: SysctlState, desired: SysctlDesired): Plan {
  const decision = decideSysctl(current, desired);
  const actions: Action[] = [];
  // The running kernel first: a value it refuses fails the task before the drop-in makes it permanent.
  if (decision.live.length > 0) actions.push(custom('set-live', { settings: decision.live }));
  if (decision.content !== undefined) actions.push(upload(desired.file, decision.content, { mode: '0644' }));
  // Without --diff the probe sends only a digest of an existing drop-in: no diff then.
  const diff =
    decision.content !== undefined && (current.sha256 === undefined || current.content !== undefined)
      ? contentDiff(desired.file, current.content ?? '', decision.content)
      : undefined;
  const blocker =
    decision.content !== undefined && !current.parentExists
      ? `directory ${dirname(desired.file)} does not exist yet`
      : undefined;
  return {
    actions,
    changes: decision.lines,
    ...(diff ? { diff } : {}),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

/** Decides the drop-in, the keys to set live, and the keys that cannot be. */
export function decideSysctl(current: SysctlState, desired: SysctlDesired): SysctlDecision {
  const content = sysctlFileContent(desired.settings);
  const decision: SysctlDecision = { live: [], notLive: [], lines: [] };
  if (current.sha256 !== createHash('sha256').update(content).digest('hex')) {
    decision.content = content;
    decision.lines.push(current.sha256 === undefined ? `create ${desired.file}` : 'content');
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
      decision.live.push([key, value]);
      decision.lines.push(`set ${key} ${live.value} → ${value}`);
    } else {
      decision.notLive.push(`${key} = ${value} (${reason})`);
    }
  }
  // Reported with the change of the drop-in that persists them; alone they are no change this run can make.
  if (decision.content !== undefined && decision.notLive.length > 0)
    decision.lines.push(`persisted for the next boot, not applied live: ${decision.notLive.join(', ')}`);
  return decision;
}

/** The drop-in's text: one `key = value` line per setting, in the order given. */
export function sysctlFileContent(settings: [string, string][]): string {
  const lines = settings.map(([key, value]) => `${key} = ${value}`);
  return `# Managed by Bosun: applied at boot by systemd-sysctl (see sysctl.d(5)). Local changes are overwritten.\n${lines.join('\n')}\n`;
}

/** Reads the probe: the drop-in's digest (and content) and one tab-separated line per key. */
export function parseSysctlProbe(stdout: string, container: boolean): SysctlState {
  const values = parseKeyValues(stdout);
  const sha256 = values.get('sha256');
  const content = values.get('content');
  return {
    ...(sha256 !== undefined ? { sha256 } : {}),
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

function sysctlProbeScript(desired: SysctlDesired, withContent: boolean): string {
  return [
    String(sh`f=${desired.file}`),
    '[ -d "$(dirname -- "$f")" ] || echo parent_missing=1',
    'if [ -f "$f" ]; then',
    '  sum=$(sha256sum < "$f") && echo "sha256=${sum%% *}"',
    ...(withContent ? ['  printf \'content=\'; base64 -w0 < "$f"; echo'] : []),
    'fi',
    readKeysScript(desired.settings.map(([key]) => key)),
    'exit 0',
  ].join('\n');
}

/** Sets the keys in the running kernel and fails unless each reads back as written. */
async function setLive(ctx: ResourceContext, { settings }: SetLive, file: string): Promise<void> {
  const result = await runChecked(ctx.transport, liveScript(settings), 'setting kernel parameters', {
    code: 'SYSCTL_FAILED',
    hint: ctx.facts.isRoot ? undefined : 'sysctl needs root: connect as root or set become.',
  });
  const readBack = parseKeyLines(result.stdout);
  const wrong = settings.filter(([key, value]) => readBack[key]?.value !== value);
  if (wrong.length > 0) {
    const details = wrong.map(([key, value]) => `${key} = ${readBack[key]?.value ?? '?'} (wanted ${value})`);
    throw new TaskError(
      'SYSCTL_NOT_APPLIED',
      `${ctx.transport.hostName}: the kernel did not keep ${details.join(', ')}; ${file} was not written.`,
    );
  }
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
