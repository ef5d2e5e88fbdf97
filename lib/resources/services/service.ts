import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh, raw } from '../../transport/shell.js';
import type { Plan, Resource } from '../resource.js';
import { runChecked } from '../commands/run-checked.js';

export interface ServiceOptions {
  /** Unit name; '.service' is added when it has no unit suffix ('nginx' → 'nginx.service', 'backup.timer' stays). */
  name: string;
  /** Start at boot (true) or not (false); unset leaves it as it is. */
  enabled?: boolean;
  /**
   * 'started' / 'stopped': the unit's running state. 'restarted' / 'reloaded' always act (what handlers use);
   * 'reloaded' starts a stopped unit, and restarts one that cannot reload.
   */
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  /** Run `systemctl daemon-reload` first when systemd has not read the unit's files yet or they changed. */
  daemonReload?: boolean;
}

/** What `systemctl show` says about the unit. */
export interface ServiceState {
  loadState: string;
  activeState: string;
  unitFileState: string;
  canReload: boolean;
  needDaemonReload: boolean;
}

export interface ServiceDesired {
  unit: string;
  enabled?: boolean;
  state?: ServiceOptions['state'];
  daemonReload: boolean;
}

/** One step of apply, with its plan line. */
export interface ServiceAction {
  /** `systemctl` verb: 'daemon-reload', 'enable', 'start', ... */
  verb: string;
  line: string;
}

// `systemctl is-enabled` answers 0 for these: nothing to enable (static units have no [Install] section).
const enabledStates = new Set([
  'enabled',
  'enabled-runtime',
  'static',
  'indirect',
  'alias',
  'generated',
  'transient',
]);
// Where administrators and Bosun put drop-ins; the vendor's folders change only with packages, which reload.
const localDropInDirs = ['/etc/systemd/system', '/run/systemd/system'];
const runningStates = new Set(['active', 'reloading', 'activating']);
const unitSuffixes = /\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$/;

/**
 * A systemd unit's running and boot state (Ansible's `systemd_service`, pyinfra's `systemd.service`).
 * Probes with one `systemctl show`. A unit that is not installed yet plans what it would do and marks the
 * plan with needsEarlierChanges, so check mode reports "would change (after earlier changes)" when an
 * earlier task installs it. A failed start/stop/reload reports `systemctl status` with the unit's last
 * journal lines.
 *
 * + name: unit name ('nginx' means 'nginx.service')
 * + enabled: start at boot or not
 * + state: 'started', 'stopped', 'restarted' or 'reloaded'
 * + daemonReload: reload systemd's configuration first, when needed
 *
 * Plan lines: `daemon-reload`, `enable nginx.service`, `disable …`, `start …`, `stop …`, `restart …`,
 * `reload …`.
 *
 * @example
 * service({ name: 'nginx', state: 'started', enabled: true })
 * // a handler
 * service({ name: 'ssh', state: 'reloaded' })
 */
export function service(options: ServiceOptions): Resource<ServiceState> {
  if (
    typeof options.name !== 'string' ||
    !/^[A-Za-z0-9:_.\\@-]+$/.test(options.name) ||
    options.name.startsWith('-')
  ) {
    throw new OptionsError(
      'SERVICE_OPTIONS',
      `service: '${String(options.name)}' is not a systemd unit name.`,
    );
  }
  const desired: ServiceDesired = {
    unit: unitSuffixes.test(options.name) ? options.name : `${options.name}.service`,
    enabled: options.enabled,
    state: options.state,
    daemonReload: options.daemonReload ?? false,
  };
  const { unit } = desired;

  return {
    kind: 'service',
    id: unit,
    async probe(ctx) {
      if (ctx.facts.init !== 'systemd') {
        throw new TaskError(
          'SYSTEMD_UNAVAILABLE',
          `${ctx.transport.hostName}: systemd is not the init system (PID 1 is not systemd); cannot manage ${unit}.`,
        );
      }
      const dropInGlobs = localDropInDirs.map((dir) => `${sh`${dir}/${unit}.d`}/*.conf`).join(' ');
      const result = await runChecked(
        ctx.transport,
        `${sh`systemctl show -p LoadState,ActiveState,UnitFileState,CanReload,NeedDaemonReload,DropInPaths -- ${unit}`}` +
          ` && printf 'DropInsOnDisk=' && for f in ${dropInGlobs}; do [ -f "$f" ] && printf '%s ' "$f"; done; echo`,
        `probing ${unit}`,
        { code: 'PROBE_FAILED' },
      );
      const values = parseKeyValues(result.stdout);
      const loadState = values.get('LoadState') ?? '';
      const words = (key: string) => (values.get(key) ?? '').split(' ').filter(Boolean);
      return {
        loadState,
        activeState: values.get('ActiveState') ?? '',
        unitFileState: values.get('UnitFileState') ?? '',
        canReload: values.get('CanReload') === 'yes',
        needDaemonReload:
          values.get('NeedDaemonReload') === 'yes' ||
          (loadState === 'loaded' && localDropInsChanged(unit, words('DropInPaths'), words('DropInsOnDisk'))),
      };
    },
    plan: (current) => planService(current, desired),
    async apply(ctx, current) {
      const steps = serviceActions(current, desired).map(({ verb }) =>
        verb === 'daemon-reload' ? raw('systemctl daemon-reload') : sh`systemctl ${raw(verb)} -- ${unit}`,
      );
      const script = `{ ${steps.map(String).join(' && ')}; } || { rc=$?; ${sh`systemctl status --no-pager --full -n 10 -- ${unit}`} >&2; exit $rc; }`;
      await runChecked(ctx.transport, script, `systemctl on ${unit}`, {
        code: 'SERVICE_FAILED',
        hint: ctx.facts.isRoot
          ? undefined
          : 'systemctl needs root to change units: connect as root or set become.',
      });
    },
  };
}

/**
 * Whether the unit's own drop-in files in /etc and /run differ from those systemd loaded. systemd's
 * NeedDaemonReload misses a drop-in folder created after the unit was loaded (systemd 252 caches which
 * folders exist), so a new `UNIT.d/override.conf` would otherwise never be read. A drop-in masked by a
 * link to /dev/null is not a regular file, so it is not counted as on disk.
 */
export function localDropInsChanged(unit: string, loaded: string[], onDisk: string[]): boolean {
  const own = (paths: string[]) =>
    new Set(paths.filter((path) => localDropInDirs.some((dir) => path.startsWith(`${dir}/${unit}.d/`))));
  const [wasLoaded, present] = [own(loaded), own(onDisk)];
  return wasLoaded.size !== present.size || [...present].some((path) => !wasLoaded.has(path));
}

/** The plan of a service: pure, from `systemctl show` and the wanted state. */
export function planService(current: ServiceState, desired: ServiceDesired): Plan {
  const actions = serviceActions(current, desired);
  const blocker =
    current.loadState === 'not-found' && actions.length > 0
      ? `unit ${desired.unit} is not installed yet`
      : undefined;
  return { changes: actions.map((a) => a.line), ...(blocker ? { needsEarlierChanges: blocker } : {}) };
}

/** The systemctl steps, in order: daemon-reload, then enable/disable, then the running state. */
export function serviceActions(current: ServiceState, desired: ServiceDesired): ServiceAction[] {
  const { unit } = desired;
  const notFound = current.loadState === 'not-found';
  const masked = current.loadState === 'masked' || current.unitFileState.startsWith('masked');
  const wantsRunning = desired.state !== undefined && desired.state !== 'stopped';
  if (masked && (desired.enabled === true || wantsRunning)) {
    throw new TaskError(
      'UNIT_MASKED',
      `${unit} is masked, so it cannot be enabled or started: unmask it first (systemctl unmask ${unit}).`,
    );
  }
  const act = (verb: string, note = ''): ServiceAction => ({
    verb,
    line: verb === 'daemon-reload' ? verb : `${verb} ${unit}${note}`,
  });
  const actions: ServiceAction[] = [];
  if (desired.daemonReload && (current.needDaemonReload || notFound)) actions.push(act('daemon-reload'));

  if (desired.enabled === true && (notFound || !enabledStates.has(current.unitFileState)))
    actions.push(act('enable'));
  if (desired.enabled === false && !notFound && current.unitFileState.startsWith('enabled'))
    actions.push(act('disable'));

  const running = !notFound && runningStates.has(current.activeState);
  switch (desired.state) {
    case 'started':
      if (!running) actions.push(act('start'));
      break;
    case 'stopped':
      if (running) actions.push(act('stop'));
      break;
    case 'restarted':
      actions.push(act('restart'));
      break;
    case 'reloaded':
      if (!running) actions.push(act('start'));
      else if (current.canReload) actions.push(act('reload'));
      else actions.push(act('restart', ' (it cannot reload)'));
      break;
  }
  return actions;
}
