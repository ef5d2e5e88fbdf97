import { BosunError, UnreachableError } from '../errors.js';
import { gatherFacts } from '../facts/gather.js';
import type { Facts } from '../facts/facts.js';
import type { Resource, ResourceContext } from '../resources/resource.js';
import { hostTransport } from './become-view.js';
import type { HostSession } from './host-session.js';
import { clearPendingHandler, pendingHandlers, recordPendingHandlers } from './pending-handlers.js';
import type { Play } from './playbook.js';
import type { Reporter, TaskResult } from './results.js';
import type { RoleContext } from './role.js';
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

/** Runs one play on one host: connect (once per run), gather facts, run each role, flush its handlers. */
export async function runHostPlay(session: HostSession, play: Play, options: HostPlayOptions): Promise<void> {
  if (!(await connectOnce(session, options))) return;
  const view = hostTransport(session, play.become);
  let facts: Facts;
  try {
    facts = session.facts = await gatherFacts(view);
    session.pendingHandlers ??= pendingHandlers(facts);
  } catch (error) {
    session.fail(
      { task: 'gather facts', message: options.redact((error as Error).message), code: codeOf(error) },
      error instanceof UnreachableError,
    );
    return;
  }
  const ctx: RoleContext = { host: session.host, facts };
  // Built one at a time, right before each runs: a role that cannot build its tasks for this host (bad
  // facts, a resource refusing its options) fails this host only.
  const units: (() => Unit)[] = (play.roles ?? []).map((applied, i) => () => {
    const vars = options.roleVariables[i];
    return {
      key: applied.role.name,
      role: applied.role.name,
      tags: [...(play.tags ?? []), ...(applied.role.tags ?? [])],
      tasks: applied.role.tasks(vars as never, ctx),
      handlers: applied.role.handlers?.(vars as never, ctx) ?? {},
    };
  });
  const { tasks, handlers } = play;
  if (tasks) {
    units.push(() => ({
      key: `play:${play.name}`,
      tags: play.tags ?? [],
      tasks: tasks(ctx),
      handlers: handlers?.(ctx) ?? {},
    }));
  }
  const resourceCtx: ResourceContext = {
    transport: view,
    facts,
    check: options.check,
    reconnect: async (settings) => {
      const host = { ...session.host, connection: { ...session.host.connection, ...settings } };
      await session.moveTo(await options.connect(host, { trustedHostKey: session.transport?.hostKey }));
      return view;
    },
  };
  for (const [index, build] of units.entries()) {
    let unit: Unit;
    try {
      unit = build();
    } catch (error) {
      const name = play.roles?.[index]?.role.name ?? `play ${play.name}`;
      session.fail({
        task: `${name}: preparing its tasks`,
        message: options.redact((error as Error).message),
        code: codeOf(error),
      });
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

/** Returns false when the host must stop. */
async function runUnit(
  session: HostSession,
  play: Play,
  unit: Unit,
  ctx: TaskRun['ctx'],
  options: HostPlayOptions,
): Promise<boolean> {
  const notified = new Set(
    (session.pendingHandlers ?? []).filter((key) => key.role === unit.key).map((key) => key.handler),
  );
  const run = (earlierChanges: boolean): TaskRun => ({
    ctx,
    diff: options.diff,
    earlierChanges,
    redact: options.redact,
    where: { host: session.host.name, play: play.name, role: unit.role },
  });

  for (const task of unit.tasks) {
    if (!isSelected([...unit.tags, ...(task.tags ?? [])], options)) continue;
    if (options.abort.aborted) {
      session.fail({ task: task.name, message: String(options.abort.reason), code: 'ANY_ERRORS_FATAL' });
      return false;
    }
    options.reporter.taskStarted({
      host: session.host.name,
      play: play.name,
      role: unit.role,
      task: task.name,
    });
    const outcome = await runTask(task, run(session.earlierChanges));
    report(session, outcome.result, options);
    if (outcome.error) {
      session.fail(
        { task: task.name, message: outcome.error.message, code: outcome.error.code },
        outcome.error instanceof UnreachableError,
      );
      return false;
    }
    if (outcome.result.status === 'changed' && task.notify?.length) {
      const unknown = task.notify.filter((name) => !(name in unit.handlers));
      if (unknown.length > 0) {
        session.fail({
          task: task.name,
          message: `notifies unknown handler(s): ${unknown.join(', ')}`,
          code: 'UNKNOWN_HANDLER',
        });
        return false;
      }
      const fresh = task.notify.filter((name) => !notified.has(name));
      fresh.forEach((name) => notified.add(name));
      if (!options.check)
        await recordPendingHandlers(
          ctx.transport,
          fresh.map((handler) => ({ role: unit.key, handler })),
        );
    }
  }
  return flushHandlers(session, unit, notified, run, options);
}

/** Runs notified handlers once each, in the order the unit defines them (as Ansible does). */
async function flushHandlers(
  session: HostSession,
  unit: Unit,
  notified: Set<string>,
  run: (earlierChanges: boolean) => TaskRun,
  options: HostPlayOptions,
): Promise<boolean> {
  for (const [name, resource] of Object.entries(unit.handlers)) {
    if (!notified.has(name)) continue;
    const outcome = await runTask({ name, resource }, run(true), { handler: true });
    report(session, outcome.result, options);
    if (outcome.error) {
      session.fail(
        { task: name, message: outcome.error.message, code: outcome.error.code },
        outcome.error instanceof UnreachableError,
      );
      return false;
    }
    if (!options.check) {
      await clearPendingHandler(run(true).ctx.transport, { role: unit.key, handler: name });
      session.pendingHandlers = session.pendingHandlers?.filter(
        (key) => key.role !== unit.key || key.handler !== name,
      );
    }
  }
  return true;
}

function report(session: HostSession, result: TaskResult, options: HostPlayOptions): void {
  session.count(result);
  options.record(result);
  options.reporter.taskFinished(result);
}

function codeOf(error: unknown): string {
  return error instanceof BosunError ? error.code : 'UNEXPECTED';
}
