import { BosunError, TaskError, UnreachableError } from '../errors.js';
import type { Action } from '../resources/actions.js';
import { isChange, isCheck, type Plan, type ResourceContext } from '../resources/resource.js';
import type { TaskResult } from './results.js';
import { executePlan } from '../resources/execute-plan.js';
import type { Probed } from './run-resource.js';
import type { Task } from './task.js';

export interface TaskRun {
  ctx: ResourceContext;
  diff: boolean;
  /** Earlier tasks on this host changed (or would change) something in this run. */
  earlierChanges: boolean;
  redact: (text: string) => string;
  where: { host: string; play: string; role?: string };
  /** Runs right before the task's changes are made (records the handlers it notifies); a throw fails the task. */
  beforeChanges?: () => Promise<void>;
}

export interface TaskOutcome {
  result: TaskResult;
  /** Set when the host must stop: the connection is gone (unreachable) or the task failed. */
  error?: BosunError;
  /** The actions of a change: executed, or in check mode what would be. */
  actions?: Action[];
}

/**
 * Plans one probed task and, unless in check mode, executes the plan; a check passes or fails.
 * Never throws for a task's own failure.
 */
export async function runTask(
  task: Task,
  probed: Probed,
  run: TaskRun,
  extra: { handler?: boolean; roundTripsBefore?: number } = {},
): Promise<TaskOutcome> {
  const started = Date.now();
  const commandsBefore = extra.roundTripsBefore ?? run.ctx.transport.counters.commands;
  const step = task.resource;
  const base = {
    ...run.where,
    task: task.name,
    resource: { kind: step.kind, id: run.redact(step.id) },
    ...(extra.handler ? { handler: true } : {}),
  };
  const finish = (fields: Pick<TaskResult, 'status' | 'changes'> & Partial<TaskResult>): TaskResult => ({
    ...base,
    ...fields,
    changes: fields.changes.map(run.redact),
    durationMs: Date.now() - started,
    roundTrips: run.ctx.transport.counters.commands - commandsBefore,
  });

  try {
    if ('error' in probed) throw probed.error;
    if (isCheck(step)) {
      const verdict = step.verify(probed.state, run.ctx);
      const message = verdict.message === undefined ? {} : { message: run.redact(verdict.message) };
      if (verdict.passed) return { result: finish({ status: 'ok', changes: [], ...message }) };
      if (verdict.needsEarlierChanges && run.ctx.check && run.earlierChanges)
        return { result: finish({ status: 'ok', changes: [], afterEarlierChanges: true, ...message }) };
      return failed(finish({ status: 'failed', changes: [], ...message }), task);
    }
    const plan = step.plan(probed.state);
    assertConsistent(plan, `${step.kind} ${step.id}`);
    const note = plan.message === undefined ? {} : { message: run.redact(plan.message) };
    if (!isChange(plan)) return { result: finish({ status: 'ok', changes: [], ...note }) };
    const diff = run.diff && plan.diff ? run.redact(plan.diff) : undefined;
    if (run.ctx.check) {
      if (plan.needsEarlierChanges && !run.earlierChanges) {
        const message = `${plan.needsEarlierChanges}, and no earlier task installs it`;
        return failed(
          finish({ status: 'failed', changes: plan.changes, diff, message: run.redact(message) }),
          task,
        );
      }
      return {
        result: finish({
          status: 'changed',
          changes: plan.changes,
          diff,
          afterEarlierChanges: !!plan.needsEarlierChanges || undefined,
          ...note,
        }),
        actions: plan.actions,
      };
    }
    await run.beforeChanges?.();
    await executePlan(step, plan, run.ctx);
    return {
      result: finish({ status: 'changed', changes: plan.changes, diff, ...note }),
      actions: plan.actions,
    };
  } catch (error) {
    const message = run.redact(error instanceof Error ? error.message : String(error));
    const result = finish({ status: 'failed', changes: [], message });
    if (error instanceof UnreachableError)
      return { result, error: new UnreachableError(error.code, message) };
    return failed(result, task);
  }
}

/** A plan whose lines and actions disagree would report one thing and do another. */
function assertConsistent(plan: Plan, what: string): void {
  if (plan.actions.length > 0 !== plan.changes.length > 0) {
    throw new TaskError(
      'PLAN_INCONSISTENT',
      `${what}: the plan has ${plan.actions.length} action(s) but ${plan.changes.length} change line(s); this is a bug in the resource`,
    );
  }
}

function failed(result: TaskResult, task: Task): TaskOutcome {
  if (task.ignoreErrors) return { result: { ...result, ignored: true } };
  return { result, error: new BosunError('TASK_FAILED', result.message ?? 'task failed', 2) };
}
