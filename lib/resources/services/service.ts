import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { systemctl, type SystemctlVerb } from '../actions.js';
import { checkExit } from '../commands/run-checked.js';
import type { Plan, Resource } from '../resource.js';

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

/** One systemctl step, with its plan line. */
interface ServiceStep {
  verb: SystemctlVerb;
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

  // A plain restart or reload (what handlers are) is no use after the run started the unit anew; one that
  // also reloads systemd or changes the boot state still has work to do.
  const refreshesOnly =
    (desired.state === 'restarted' || desired.state === 'reloaded') &&
    desired.enabled === undefined &&
    !desired.daemonReload;
  return {
    kind: 'service',
    id: unit,
    ...(refreshesOnly ? { refreshes: unit } : {}),
    probe(ctx) {
      if (ctx.facts.init !== 'systemd') {
        throw new TaskError(
          'SYSTEMD_UNAVAILABLE',
          `${ctx.transport.hostName}: systemd is not the init system (PID 1 is not systemd); cannot manage ${unit}.`,
        );
      }
      const dropInGlobs = localDropInDirs.map((dir) => `${sh`${dir}/${unit}.d`}/*.conf`).join(' ');
      return {
        script:
          `${sh`systemctl show -p LoadState,ActiveState,UnitFileState,CanReload,NeedDaemonReload,DropInPaths -- ${unit}`}` +
          ` && printf 'DropInsOnDisk=' && for f in ${dropInGlobs}; do [ -f "$f" ] && printf '%s ' "$f"; done; echo`,
        parse: (result) =>
          parseServiceState(
            unit,
            checkExit(ctx.transport.hostName, result, `probing ${unit}`, { code: 'PROBE_FAILED' }).stdout,
          ),
      };
    },
    plan: (current) => planService(current, desired),
  };
}

/** Reads `systemctl show` and the drop-ins on disk, as the probe printed them. */
export function parseServiceState(unit: string, output: string): ServiceState {
  const values = parseKeyValues(output);
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
  const steps = serviceSteps(current, desired);
  const blocker =
    current.loadState === 'not-found' && steps.length > 0
      ? `unit ${desired.unit} is not installed yet`
      : undefined;
  return {
    actions: steps.map(({ verb }) => systemctl(verb, desired.unit)),
    changes: steps.map((step) => step.line),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

/** The systemctl steps, in order: daemon-reload, then enable/disable, then the running state. */
function serviceSteps(current: ServiceState, desired: ServiceDesired): ServiceStep[] {
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
  const act = (verb: SystemctlVerb, note = ''): ServiceStep => ({
    verb,
    line: verb === 'daemon-reload' ? verb : `${verb} ${unit}${note}`,
  });
  const steps: ServiceStep[] = [];
  if (desired.daemonReload && (current.needDaemonReload || notFound)) steps.push(act('daemon-reload'));

  if (desired.enabled === true && (notFound || !enabledStates.has(current.unitFileState)))
    steps.push(act('enable'));
  if (desired.enabled === false && !notFound && current.unitFileState.startsWith('enabled'))
    steps.push(act('disable'));

  const running = !notFound && runningStates.has(current.activeState);
  switch (desired.state) {
    case 'started':
      if (!running) steps.push(act('start'));
      break;
    case 'stopped':
      if (running) steps.push(act('stop'));
      break;
    case 'restarted':
      steps.push(act('restart'));
      break;
    case 'reloaded':
      if (!running) steps.push(act('start'));
      else if (current.canReload) steps.push(act('reload'));
      else steps.push(act('restart', ' (it cannot reload)'));
      break;
  }
  return steps;
}
