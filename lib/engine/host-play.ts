import { BosunError, UnreachableError } from '../errors.js';
import type { FactDefinition } from '../facts/define-fact.js';
import type { Resource, ResourceContext } from '../resources/resource.js';
import { hostTransport } from './become-view.js';
import { hostFacts } from './host-facts.js';
import type { HostSession } from './host-session.js';
import { clearPendingHandlers, recordPendingHandlers, type HandlerKey } from './pending-handlers.js';
import type { Play } from './playbook.js';
import type { Reporter, TaskResult } from './results.js';
import { roleContext, type RoleContext } from './role.js';
import { probeAll, type Probed } from './run-resource.js';
import { runTask, type TaskRun } from './run-task.js';
import { isSelected, type TagFilter } from './tags.js';
import type { Task } from './task.js';
import type { Transport } from '../transport/transport.js';
import type { RunOptions } from './run-playbook.js';

export interface HostPlayOptions extends TagFilter {
  check: boolean;
  diff: boolean;
  reporter: Reporter;
  redact: (text: string) => string;
  connect: RunOptions['connect'];
  /** Role variables already validated for this host, in the play's role order. */
  roleVariables: Record<string, unknown>[];
  /** Set when another host failed in a play with anyErrorsFatal. */
  abort: AbortSignal;
  record: (result: TaskResult) => void;
}

/** A block of tasks with its own handlers: a role, or the play's own tasks. */
interface Unit {
  /** Name under which handlers are recorded on the host. */
  key: string;
  role?: string;
  tags: string[];
  tasks: Task[];
  handlers: Record<string, Resource>;
}

interface UnitBuilder {
  name: string;
  facts: FactDefinition<unknown>[];
  build(ctx: RoleContext): Unit;
}

/**
 * Runs one play on one host: connect (once per run), gather the facts of every role of the play in one
 * round trip, then each role: its tasks probed together in one round trip, planned and executed in order,
 * then its handlers.
 */
export async function runHostPlay(session: HostSession, play: Play, options: HostPlayOptions): Promise<void> {
  if (!(await connectOnce(session, options))) return;
  const view = hostTransport(session, play.become);
  const builders: UnitBuilder[] = (play.roles ?? []).map((applied, i) => {
    const vars = options.roleVariables[i] as never;
    return {
      name: applied.role.name,
      facts: applied.role.facts ?? [],
      build: (ctx) => ({
        key: applied.role.name,
        role: applied.role.name,
        tags: [...(play.tags ?? []), ...(applied.role.tags ?? [])],
        tasks: applied.role.tasks(vars, ctx),
        handlers: applied.role.handlers?.(vars, ctx) ?? {},
      }),
    };
  });
  const { tasks, handlers } = play;
  if (tasks) {
    builders.push({
      name: `play ${play.name}`,
      facts: [],
      build: (ctx) => ({
        key: `play:${play.name}`,
        tags: play.tags ?? [],
        tasks: tasks(ctx),
        handlers: handlers?.(ctx) ?? {},
      }),
    });
  }
  const gather = (facts: FactDefinition<unknown>[]) => hostFacts(session, view, play.become, facts);
  try {
    await gather(builders.flatMap((builder) => builder.facts));
  } catch (error) {
    session.fail(
      { task: 'gather facts', message: options.redact((error as Error).message), code: codeOf(error) },
      error instanceof UnreachableError,
    );
    return;
  }
  for (const builder of builders) {
    // Built one at a time, right before each runs, from facts gathered again if a change made them stale:
    // a role that cannot build its tasks for this host (bad facts, a resource refusing its options) fails
    // this host only.
    let unit: Unit;
    let resourceCtx: ResourceContext;
    try {
      const { facts, known } = await gather(builder.facts);
      unit = builder.build(roleContext(session.host, facts, known));
      resourceCtx = {
        transport: view,
        facts,
        check: options.check,
        diff: options.diff,
        reconnect: async (settings) => {
          const host = { ...session.host, connection: { ...session.host.connection, ...settings } };
          await session.moveTo(await options.connect(host, { trustedHostKey: session.transport?.hostKey }));
          return view;
        },
      };
    } catch (error) {
      session.fail(
        {
          task: `${builder.name}: preparing its tasks`,
          message: options.redact((error as Error).message),
          code: codeOf(error),
        },
        error instanceof UnreachableError,
      );
      return;
    }
    if (!(await runUnit(session, play, unit, resourceCtx, options))) return;
  }
}

async function connectOnce(session: HostSession, options: HostPlayOptions): Promise<Transport | undefined> {
  if (session.transport) return session.transport;
  try {
    session.transport = await options.connect(session.host);
    return session.transport;
  } catch (error) {
    session.fail({ message: options.redact((error as Error).message), code: codeOf(error) }, true);
    return undefined;
  }
}

/**
 * Runs a unit's tasks. Their probes go to the host together, speculatively: while nothing changes, one
 * round trip serves the whole unit. After a task changes the host, the tasks after it are probed again
 * (together) before they plan, since they may depend on the change. Returns false when the host must stop.
 */
async function runUnit(
  session: HostSession,
  play: Play,
  unit: Unit,
  ctx: ResourceContext,
  options: HostPlayOptions,
): Promise<boolean> {
  // Handler name → the step of the latest change that notified it (0: a change of an earlier run).
  const notified = new Map(
    (session.pendingHandlers ?? []).filter((key) => key.role === unit.key).map((key) => [key.handler, 0]),
  );
  const run = (earlierChanges: boolean, beforeChanges?: () => Promise<void>): TaskRun => ({
    ctx,
    diff: options.diff,
    earlierChanges,
    redact: options.redact,
    where: { host: session.host.name, play: play.name, role: unit.role },
    beforeChanges,
  });
  const stop = (task: string, error: BosunError): false => {
    session.fail({ task, message: error.message, code: error.code }, error instanceof UnreachableError);
    return false;
  };

  const selected = unit.tasks.filter((task) => isSelected([...unit.tags, ...(task.tags ?? [])], options));
  const probed = new Map<Task, Probed>();
  let roundTripsBefore: number | undefined;
  for (const [index, task] of selected.entries()) {
    if (options.abort.aborted) {
      session.fail({ task: task.name, message: String(options.abort.reason), code: 'ANY_ERRORS_FATAL' });
      return false;
    }
    const where = { host: session.host.name, play: play.name, role: unit.role, task: task.name };
    options.reporter.taskStarted(where);
    if (task.when === false) {
      report(session, skipped(task, where), options);
      continue;
    }
    if (!probed.has(task)) {
      const rest = selected.slice(index).filter((later) => later.when !== false);
      roundTripsBefore = ctx.transport.counters.commands;
      try {
        const states = await probeAll(
          rest.map((later) => later.resource),
          ctx,
        );
        probed.clear();
        rest.forEach((later, i) => probed.set(later, states[i]));
      } catch (error) {
        const message = options.redact(error instanceof Error ? error.message : String(error));
        session.fail({ task: task.name, message, code: codeOf(error) }, error instanceof UnreachableError);
        return false;
      }
    }
    const fresh = (task.notify ?? []).filter((name) => !notified.has(name));
    const unknown = fresh.filter((name) => !(name in unit.handlers));
    const recordNotified =
      options.check || fresh.length === 0 || unknown.length > 0
        ? undefined
        : () =>
            recordPendingHandlers(
              ctx.transport,
              fresh.map((handler) => ({ role: unit.key, handler })),
            );
    const outcome = await runTask(task, probed.get(task)!, run(session.earlierChanges, recordNotified), {
      roundTripsBefore,
    });
    roundTripsBefore = undefined;
    report(session, outcome.result, options);
    if (outcome.error) return stop(task.name, outcome.error);
    if (outcome.result.status !== 'changed') continue;
    if (unknown.length > 0) {
      return stop(
        task.name,
        new BosunError('UNKNOWN_HANDLER', `notifies unknown handler(s): ${unknown.join(', ')}`),
      );
    }
    const step = session.changed(outcome.actions, !outcome.result.afterEarlierChanges);
    task.notify?.forEach((name) => notified.set(name, step));
    if (!options.check) {
      session.forgetFacts();
      probed.clear();
    }
  }
  return flushHandlers(session, unit, notified, run, options);
}

/** Runs notified handlers once each, in the order the unit defines them (as Ansible does). */
async function flushHandlers(
  session: HostSession,
  unit: Unit,
  notified: Map<string, number>,
  run: (earlierChanges: boolean) => TaskRun,
  options: HostPlayOptions,
): Promise<boolean> {
  const done: HandlerKey[] = [];
  let failure: { task: string; error: BosunError } | undefined;
  for (const [name, resource] of Object.entries(unit.handlers)) {
    if (!notified.has(name)) continue;
    const taskRun = run(true);
    const started = resource.refreshes && session.startedSince(resource.refreshes, notified.get(name)!);
    if (started === 'certain') {
      report(session, notNeeded(name, resource, taskRun), options);
      done.push({ role: unit.key, handler: name });
      continue;
    }
    const roundTripsBefore = taskRun.ctx.transport.counters.commands;
    let probed: Probed;
    try {
      [probed] = await probeAll([resource], taskRun.ctx);
    } catch (error) {
      probed = { error };
    }
    const outcome = await runTask({ name, resource }, probed, taskRun, { handler: true, roundTripsBefore });
    // Check mode, after a start that itself waited for earlier changes: the real run may find it not needed.
    if (started === 'uncertain' && outcome.result.status === 'changed')
      outcome.result.afterEarlierChanges = true;
    report(session, outcome.result, options);
    if (outcome.error) {
      failure = { task: name, error: outcome.error };
      break;
    }
    done.push({ role: unit.key, handler: name });
    if (outcome.result.status !== 'changed') continue;
    session.changed(outcome.actions);
    if (!options.check) session.forgetFacts();
  }
  if (!options.check && done.length > 0 && !(failure?.error instanceof UnreachableError)) {
    await clearPendingHandlers(run(true).ctx.transport, done);
    session.pendingHandlers = session.pendingHandlers?.filter(
      (key) => !done.some((d) => d.role === key.role && d.handler === key.handler),
    );
  }
  if (failure) {
    session.fail(
      { task: failure.task, message: failure.error.message, code: failure.error.code },
      failure.error instanceof UnreachableError,
    );
    return false;
  }
  return true;
}

/** A handler whose unit this run started or restarted after the change: restarting it again is no use. */
function notNeeded(name: string, resource: Resource, run: TaskRun): TaskResult {
  return {
    ...run.where,
    task: name,
    resource: { kind: resource.kind, id: run.redact(resource.id) },
    handler: true,
    status: 'ok',
    changes: [],
    message: `not needed: ${resource.refreshes} was started after the change`,
    durationMs: 0,
    roundTrips: 0,
  };
}

function skipped(
  task: Task,
  where: Omit<TaskResult, 'resource' | 'status' | 'changes' | 'durationMs' | 'roundTrips'>,
): TaskResult {
  return {
    ...where,
    resource: { kind: task.resource.kind, id: task.resource.id },
    status: 'skipped',
    changes: [],
    message: 'condition is false',
    durationMs: 0,
    roundTrips: 0,
  };
}

function report(session: HostSession, result: TaskResult, options: HostPlayOptions): void {
  session.count(result);
  options.record(result);
  options.reporter.taskFinished(result);
}

function codeOf(error: unknown): string {
  return error instanceof BosunError ? error.code : 'UNEXPECTED';
}
