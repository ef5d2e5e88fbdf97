import { BosunError, UnreachableError } from '../errors.js';
import { isChange, type ResourceContext } from '../resources/resource.js';
import type { TaskResult } from './results.js';
import type { Task } from './task.js';

export interface TaskRun {
  ctx: ResourceContext;
  diff: boolean;
  /** Earlier tasks on this host changed (or would change) something in this run. */
  earlierChanges: boolean;
  redact: (text: string) => string;
  where: { host: string; play: string; role?: string };
}

export interface TaskOutcome {
  result: TaskResult;
  /** Set when the host must stop: the connection is gone (unreachable) or the task failed. */
  error?: BosunError;
}

/** Probe, plan and (unless in check mode) apply one task; never throws for a task's own failure. */
export async function runTask(
  task: Task,
  run: TaskRun,
  extra: { handler?: boolean } = {},
): Promise<TaskOutcome> {
  const started = Date.now();
  const commandsBefore = run.ctx.transport.counters.commands;
  const base = {
    ...run.where,
    task: task.name,
    resource: { kind: task.resource.kind, id: run.redact(task.resource.id) },
    ...(extra.handler ? { handler: true } : {}),
  };
  const finish = (fields: Pick<TaskResult, 'status' | 'changes'> & Partial<TaskResult>): TaskResult => ({
    ...base,
    ...fields,
    changes: fields.changes.map(run.redact),
    durationMs: Date.now() - started,
    roundTrips: run.ctx.transport.counters.commands - commandsBefore,
  });

  if (task.when === false)
    return { result: finish({ status: 'skipped', changes: [], message: 'condition is false' }) };
  try {
    const current = await task.resource.probe(run.ctx);
    const plan = task.resource.plan(current);
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
      };
    }
    await task.resource.apply(run.ctx, current, plan);
    return { result: finish({ status: 'changed', changes: plan.changes, diff, ...note }) };
  } catch (error) {
    const message = run.redact(error instanceof Error ? error.message : String(error));
    const result = finish({ status: 'failed', changes: [], message });
    if (error instanceof UnreachableError)
      return { result, error: new UnreachableError(error.code, message) };
    return failed(result, task);
  }
}

function failed(result: TaskResult, task: Task): TaskOutcome {
  if (task.ignoreErrors) return { result: { ...result, ignored: true } };
  return { result, error: new BosunError('TASK_FAILED', result.message ?? 'task failed', 2) };
}
