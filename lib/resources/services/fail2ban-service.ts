import { OptionsError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { run, systemctl, type RunAction, type SystemctlVerb } from '../actions.js';
import { absolutePath } from '../files/absolute-path.js';
import { noChange, type Plan, type Resource } from '../resource.js';
import { checkExit } from '../commands/run-checked.js';

export interface Fail2banServiceOptions {
  /** 'started': running (and started if not); 'reloaded': reload the configuration now (what a handler uses). */
  state: 'started' | 'reloaded';
  /** Start at boot. Unset leaves it. */
  enabled?: boolean;
  /** Jails that must answer `fail2ban-client status JAIL` before the server counts as settled. */
  jails?: string[];
  /** How long a start or reload may take to settle before the task fails. Default 30. */
  settleSeconds?: number;
  /**
   * 'reloaded' only: the file whose change the reload is for (the handler's jail file). A server that
   * started after the file last changed has read it already: it is neither reloaded nor waited for again.
   */
  changedFile?: string;
}

/** What systemd says, and when the server started and the changed file changed (µs of CLOCK_MONOTONIC). */
export interface Fail2banServiceState {
  loadState: string;
  activeState: string;
  unitFileState: string;
  /** When the unit last became active (ActiveEnterTimestampMonotonic); 0 when it never did since boot. */
  startedAt: number;
  /** When `changedFile` last changed (its ctime), on the same clock; undefined when unknown or not asked. */
  changedAt?: number;
}

export interface Fail2banServiceDesired {
  state: 'started' | 'reloaded';
  enabled?: boolean;
  jails: string[];
  settleSeconds: number;
  changedFile?: string;
}

/** How long the server must keep answering, after it first did, to count as settled. */
const steadySeconds = 3;

/**
 * The fail2ban server, started or reloaded, and then watched until it has settled: systemd starts it as a
 * simple service, so `systemctl start` returns at once while the server may still die on a jail it cannot
 * start (a log file that does not exist, an action that fails). The last action waits until the unit is active,
 * `fail2ban-client ping` answers and every listed jail answers `fail2ban-client status JAIL`, then checks
 * that all of it holds for a few more seconds. A server that does not settle fails the task with its
 * unit's state and last journal lines (where the server's start-up errors go).
 *
 * + state: 'started' or 'reloaded'
 * + enabled: start at boot
 * + jails: what must be running; settleSeconds: how long to wait
 * + changedFile: a handler's file; no reload when the server started after it changed
 *
 * Plan lines: `enable fail2ban.service`, `start fail2ban.service`, `reload fail2ban.service`.
 *
 * @example
 * fail2banService({ state: 'started', enabled: true, jails: ['sshd', 'recidive'] })
 * fail2banService({ state: 'reloaded', jails: ['sshd'], changedFile: '/etc/fail2ban/jail.d/00-bosun.local' }) // a handler
 */
export function fail2banService(options: Fail2banServiceOptions): Resource<Fail2banServiceState> {
  const jails = options.jails ?? [];
  const bad = jails.find((jail) => !/^[A-Za-z0-9_.-]+$/.test(jail));
  if (bad !== undefined)
    throw new OptionsError('FAIL2BAN_OPTIONS', `fail2banService: '${bad}' is not a jail name.`);
  const desired: Fail2banServiceDesired = {
    state: options.state,
    enabled: options.enabled,
    jails,
    settleSeconds: options.settleSeconds ?? 30,
    changedFile:
      options.changedFile === undefined ? undefined : absolutePath(options.changedFile, 'fail2banService'),
  };
  return {
    kind: 'fail2ban-service',
    id: 'fail2ban.service',
    probe: (ctx) => ({
      script: probeScript(desired.changedFile),
      env: desired.changedFile === undefined ? undefined : { F2B_CHANGED_FILE: desired.changedFile },
      parse: (result) =>
        parseFail2banState(
          checkExit(ctx.transport.hostName, result, 'probing fail2ban.service', { code: 'PROBE_FAILED' })
            .stdout,
        ),
    }),
    plan: (current) => planFail2banService(current, desired),
  };
}

/**
 * `systemctl show`, and with a changed file the time it changed on systemd's monotonic clock: its ctime
 * (which a rename into place sets too) taken back from now on the wall clock, so a clock step before the
 * change cannot make an old start look newer. Python comes with fail2ban; without it nothing is printed.
 */
function probeScript(changedFile: string | undefined): string {
  const show =
    'systemctl show -p LoadState,ActiveState,UnitFileState,ActiveEnterTimestampMonotonic fail2ban.service || exit';
  if (changedFile === undefined) return show;
  return `${show}
[ -e "$F2B_CHANGED_FILE" ] || exit 0
python3 -c 'import os, sys, time
changed = os.stat(sys.argv[1]).st_ctime_ns - time.time_ns() + time.monotonic_ns()
print("ChangedMonotonic=%d" % (changed // 1000))' "$F2B_CHANGED_FILE" 2>/dev/null
exit 0`;
}

/** Reads what the probe printed. */
export function parseFail2banState(output: string): Fail2banServiceState {
  const values = parseKeyValues(output);
  const changed = values.get('ChangedMonotonic');
  return {
    loadState: values.get('LoadState') ?? '',
    activeState: values.get('ActiveState') ?? '',
    unitFileState: values.get('UnitFileState') ?? '',
    startedAt: Number(values.get('ActiveEnterTimestampMonotonic') ?? 0) || 0,
    ...(changed === undefined ? {} : { changedAt: Number(changed) }),
  };
}

/** The plan of the fail2ban service: pure, from the probe. Every start or reload is followed by the settle wait. */
export function planFail2banService(current: Fail2banServiceState, desired: Fail2banServiceDesired): Plan {
  const running = isRunning(current);
  // The handler after a jail change that a start in this run has already read (a fresh install, a failed
  // server): a reload would only wait for the settle a second time.
  const readAlready =
    desired.state === 'reloaded' &&
    running &&
    current.changedAt !== undefined &&
    current.startedAt > current.changedAt;
  const verbs = fail2banVerbs(current, desired).filter((verb) => !(readAlready && verb === 'reload'));
  if (verbs.length === 0)
    return noChange(readAlready ? 'not needed: fail2ban was started after the change' : undefined);
  const acts = verbs.some((verb) => verb === 'start' || verb === 'reload');
  return {
    actions: [
      ...verbs.map((verb) => systemctl(verb, 'fail2ban.service')),
      ...(acts ? [settleAction(desired)] : []),
    ],
    changes: verbs.map((verb) => `${verb} fail2ban.service`),
    ...(current.loadState === 'not-found' ? { needsEarlierChanges: 'fail2ban is not installed yet' } : {}),
  };
}

const isRunning = (current: Fail2banServiceState) =>
  current.loadState !== 'not-found' && ['active', 'reloading', 'activating'].includes(current.activeState);

/** The systemctl verbs, in order. */
function fail2banVerbs(current: Fail2banServiceState, desired: Fail2banServiceDesired): SystemctlVerb[] {
  const installed = current.loadState !== 'not-found';
  const verbs: SystemctlVerb[] = [];
  if (desired.enabled === true && (!installed || !current.unitFileState.startsWith('enabled')))
    verbs.push('enable');
  if (desired.enabled === false && current.unitFileState.startsWith('enabled')) verbs.push('disable');
  if (!isRunning(current)) verbs.push('start');
  else if (desired.state === 'reloaded') verbs.push('reload');
  return verbs;
}

/** The wait after a start or reload; a server that does not settle fails the task with its journal. */
export function settleAction(desired: Fail2banServiceDesired): RunAction {
  return run(settleScript(desired), 'fail2ban', 'FAIL2BAN_FAILED', {
    hint: 'Fix what the journal lines above name; `fail2ban-client -t` tests the configuration.',
  });
}

/** Waits until the server and its jails answer, and keep answering for a few seconds; else reports why. */
function settleScript(desired: Fail2banServiceDesired): string {
  const jails = desired.jails
    .map((jail) => String(sh` && fail2ban-client status ${jail} >/dev/null 2>&1`))
    .join('');
  // Time in hundredths of a second since boot: monotonic, and fine enough that "10 s" is never 9.1 s.
  return String.raw`now() { tr -d . </proc/uptime | cut -d' ' -f1; }
deadline=$(( $(now) + ${desired.settleSeconds * 100} )); steady=
while :; do
  if systemctl is-active -q fail2ban.service && fail2ban-client ping >/dev/null 2>&1${jails}; then
    [ -n "$steady" ] || steady=$(now)
    [ $(( $(now) - steady )) -ge ${steadySeconds * 100} ] && exit 0
  else steady=; fi
  [ "$(now)" -ge "$deadline" ] && break
  sleep 0.5
done
systemctl status --no-pager --full -n 0 fail2ban.service | grep -E '^ *(Loaded|Active):' >&2
journalctl -u fail2ban.service -n 12 --no-pager -o cat >&2
echo "fail2ban did not settle within ${desired.settleSeconds} s (server and jails ${desired.jails.join(', ') || '-'} answering for ${steadySeconds} s)" >&2
exit 1`;
}
