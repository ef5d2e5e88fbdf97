import { OptionsError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import type { Plan, Resource } from '../resource.js';
import { runChecked } from '../commands/run-checked.js';

export interface Fail2banServiceOptions {
  /** 'started': running (and started if not); 'reloaded': reload the configuration now (what a handler uses). */
  state: 'started' | 'reloaded';
  /** Start at boot. Unset leaves it. */
  enabled?: boolean;
  /** Jails that must answer `fail2ban-client status JAIL` before the server counts as settled. */
  jails?: string[];
  /** How long a start or reload may take to settle before the task fails. Default 30. */
  settleSeconds?: number;
}

/** What systemd and the server say. */
export interface Fail2banServiceState {
  loadState: string;
  activeState: string;
  unitFileState: string;
}

export interface Fail2banServiceDesired {
  state: 'started' | 'reloaded';
  enabled?: boolean;
  jails: string[];
  settleSeconds: number;
}

/** How long the server must keep answering, after it first did, to count as settled. */
const steadySeconds = 3;

/**
 * The fail2ban server, started or reloaded, and then watched until it has settled: systemd starts it as a
 * simple service, so `systemctl start` returns at once while the server may still die on a jail it cannot
 * start (a log file that does not exist, an action that fails). Apply waits until the unit is active,
 * `fail2ban-client ping` answers and every listed jail answers `fail2ban-client status JAIL`, then checks
 * that all of it holds for a few more seconds. A server that does not settle fails the task with its
 * unit's state and last journal lines (where the server's start-up errors go).
 *
 * + state: 'started' or 'reloaded'
 * + enabled: start at boot
 * + jails: what must be running; settleSeconds: how long to wait
 *
 * Plan lines: `enable fail2ban.service`, `start fail2ban.service`, `reload fail2ban.service`.
 *
 * @example
 * fail2banService({ state: 'started', enabled: true, jails: ['sshd', 'recidive'] })
 * fail2banService({ state: 'reloaded', jails: ['sshd'] }) // a handler
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
  };
  return {
    kind: 'fail2ban-service',
    id: 'fail2ban.service',
    async probe(ctx) {
      const result = await runChecked(
        ctx.transport,
        'systemctl show -p LoadState,ActiveState,UnitFileState fail2ban.service',
        'probing fail2ban.service',
        { code: 'PROBE_FAILED' },
      );
      const values = parseKeyValues(result.stdout);
      return {
        loadState: values.get('LoadState') ?? '',
        activeState: values.get('ActiveState') ?? '',
        unitFileState: values.get('UnitFileState') ?? '',
      };
    },
    plan: (current) => planFail2banService(current, desired),
    async apply(ctx, current) {
      const steps = fail2banActions(current, desired).map(
        (verb) =>
          `systemctl ${verb} fail2ban.service || { rc=$?; systemctl status --no-pager --full -n 10 fail2ban.service >&2; exit $rc; }`,
      );
      await runChecked(ctx.transport, [...steps, settleScript(desired)].join('\n'), 'fail2ban', {
        code: 'FAIL2BAN_FAILED',
        hint: 'Fix what the journal lines above name; `fail2ban-client -t` tests the configuration.',
      });
    },
  };
}

/** The plan of the fail2ban service: pure, from `systemctl show`. */
export function planFail2banService(current: Fail2banServiceState, desired: Fail2banServiceDesired): Plan {
  const changes = fail2banActions(current, desired).map((verb) => `${verb} fail2ban.service`);
  return {
    changes,
    ...(changes.length > 0 && current.loadState === 'not-found'
      ? { needsEarlierChanges: 'fail2ban is not installed yet' }
      : {}),
  };
}

/** The systemctl verbs, in order. */
export function fail2banActions(current: Fail2banServiceState, desired: Fail2banServiceDesired): string[] {
  const installed = current.loadState !== 'not-found';
  const running = installed && ['active', 'reloading', 'activating'].includes(current.activeState);
  const verbs: string[] = [];
  if (desired.enabled === true && (!installed || !current.unitFileState.startsWith('enabled')))
    verbs.push('enable');
  if (desired.enabled === false && current.unitFileState.startsWith('enabled')) verbs.push('disable');
  if (!running) verbs.push('start');
  else if (desired.state === 'reloaded') verbs.push('reload');
  return verbs;
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
