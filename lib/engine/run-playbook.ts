import { OptionsError } from '../errors.js';
import type { Inventory, InventoryHost } from '../inventory/inventory.js';
import { selectHosts, withExtraVars } from '../inventory/index.js';
import type { Transport } from '../transport/transport.js';
import { HostSession } from './host-session.js';
import { runHostPlay } from './host-play.js';
import { forEachLimited, serialBatches } from './parallel.js';
import type { Play, Playbook } from './playbook.js';
import type { Reporter, RunResult, TaskResult } from './results.js';
import { assertNoProblems, resolveRoleVariables } from './role-variables.js';
import type { TagFilter } from './tags.js';

export interface RunOptions extends TagFilter {
  inventory: Inventory;
  /** Host pattern that narrows every play (`--limit`). */
  limit?: string;
  check?: boolean;
  diff?: boolean;
  /** Hosts in parallel (default 10). */
  forks?: number;
  /** `-e` variables: highest precedence, over every inventory variable, connection keys included. */
  extraVars?: Record<string, unknown>;
  reporter: Reporter;
  /**
   * Opens the one connection of a host (the CLI passes transport/connect with its flags). `trustedHostKey`
   * is set when a guard moves the host to new settings: the key its current connection verified.
   */
  connect: (host: InventoryHost, options?: { trustedHostKey?: Buffer }) => Promise<Transport>;
  /** Hides secret values in everything reported. */
  redact?: (text: string) => string;
}

interface PreparedPlay {
  play: Play;
  hosts: HostSession[];
  /** Validated role variables per host name. */
  roleVariables: Map<string, Record<string, unknown>[]>;
}

/**
 * Runs a playbook: every role variable of every host is validated before any host is touched, then each
 * play runs its hosts in parallel (bounded by forks, in serial batches), one connection per host.
 */
export async function runPlaybook(playbook: Playbook, options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const redact = options.redact ?? ((text: string) => text);
  const sessions = new Map<string, HostSession>();
  const plays = prepare(playbook, options, sessions);
  const tasks: TaskResult[] = [];
  const check = options.check ?? false;
  const diff = options.diff ?? false;

  const lastPlay = new Map<HostSession, number>();
  plays.forEach(({ hosts }, index) => hosts.forEach((session) => lastPlay.set(session, index)));
  const finished = new Set<HostSession>();
  // A host's row is final as soon as its last play ends or it drops out; the progress view shows it then.
  const finishHost = (session: HostSession) => {
    if (finished.has(session)) return;
    finished.add(session);
    options.reporter.hostFinished(session.finish());
  };

  options.reporter.runStarted({ playbook: playbook.name, hosts: [...sessions.keys()], check, diff });
  try {
    for (const [playIndex, { play, hosts, roleVariables }] of plays.entries()) {
      const active = hosts.filter((session) => session.active);
      options.reporter.playStarted({ play: play.name, hosts: active.map((session) => session.host.name) });
      const abort = new AbortController();
      for (const batch of serialBatches(active, play.serial)) {
        await forEachLimited(batch, options.forks ?? 10, async (session) => {
          await runHostPlay(session, play, {
            ...options,
            check,
            diff,
            redact,
            roleVariables: roleVariables.get(session.host.name) ?? [],
            abort: abort.signal,
            record: (result) => tasks.push(result),
          });
          if (play.anyErrorsFatal && !session.active && !abort.signal.aborted) {
            abort.abort(
              `stopped: host ${session.host.name} failed and play "${play.name}" sets anyErrorsFatal`,
            );
          }
          if (!session.active || lastPlay.get(session) === playIndex) finishHost(session);
        });
        if (batch.every((session) => !session.active) || abort.signal.aborted) break;
      }
    }
  } finally {
    await Promise.all([...sessions.values()].map((session) => session.transport?.close()));
  }

  sessions.forEach(finishHost);
  const hosts = [...sessions.values()].map((session) => session.recap);
  const result: RunResult = {
    playbook: playbook.name,
    check,
    diff,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    hosts,
    tasks,
  };
  await options.reporter.runFinished(result);
  return result;
}

/**
 * Selects each play's hosts and validates every play's `serial` and every role's variables for each of
 * them; throws before any connection.
 */
function prepare(
  playbook: Playbook,
  options: RunOptions,
  sessions: Map<string, HostSession>,
): PreparedPlay[] {
  const inventory = withExtraVars(options.inventory, options.extraVars ?? {});
  const limited = options.limit
    ? new Set(selectHosts(inventory, options.limit).map((host) => host.name))
    : undefined;
  const problems: string[] = [];
  const prepared = playbook.plays.map((play) => {
    assertValidSerial(play);
    const hosts = selectHosts(inventory, play.hosts).filter((host) => !limited || limited.has(host.name));
    const roleVariables = new Map<string, Record<string, unknown>[]>();
    for (const host of hosts) {
      roleVariables.set(
        host.name,
        (play.roles ?? []).map((applied) => {
          const resolved = resolveRoleVariables(applied, host);
          problems.push(...resolved.problems);
          return resolved.vars;
        }),
      );
      if (!sessions.has(host.name)) sessions.set(host.name, new HostSession(host));
    }
    return { play, hosts: hosts.map((host) => sessions.get(host.name)!), roleVariables };
  });
  assertNoProblems(problems);
  return prepared;
}

/** `serial`: a whole number of hosts (1 or more), or a percentage of the play's hosts, above 0 and at most 100. */
function assertValidSerial(play: Play): void {
  const serial: unknown = play.serial;
  const count = typeof serial === 'number' || /^\d+$/.test(String(serial)) ? Number(serial) : NaN;
  const percent = /^\d+(\.\d+)?%$/.test(String(serial)) ? Number.parseFloat(String(serial)) : NaN;
  if (serial === undefined || (Number.isInteger(count) && count >= 1) || (percent > 0 && percent <= 100))
    return;
  const shown = typeof serial === 'string' ? `'${serial}'` : String(serial);
  throw new OptionsError(
    'PLAY_SERIAL_INVALID',
    `play "${play.name}": serial ${shown} is not accepted; use a whole number of hosts of 1 or more ` +
      `(serial: 2) or a percentage of the play's hosts above 0% and at most 100% (serial: '30%')`,
  );
}
