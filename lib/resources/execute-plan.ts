import { TaskError } from '../errors.js';
import { sh } from '../transport/shell.js';
import type { Action, SystemctlAction } from './actions.js';
import { runChecked } from './commands/run-checked.js';
import type { Plan, Resource, ResourceContext } from './resource.js';

/** Makes the changes of a plan: the engine runs the common actions, the resource its custom ones. */
export async function executePlan<State>(
  resource: Resource<State>,
  plan: Plan,
  ctx: ResourceContext,
): Promise<void> {
  for (const action of plan.actions) await executeAction(resource, action, ctx);
}

async function executeAction(resource: Resource, action: Action, ctx: ResourceContext): Promise<void> {
  switch (action.kind) {
    case 'run': {
      const { command, what, code, hint, stdin, env, timeoutMs } = action;
      await runChecked(ctx.transport, command, what, { code, hint, stdin, env, timeoutMs });
      return;
    }
    case 'upload':
      await ctx.transport.upload(action.path, action.content, action.options);
      return;
    case 'systemctl':
      await runChecked(
        ctx.transport,
        systemctlScript(action),
        `systemctl ${action.verb} ${action.unit ?? ''}`.trim(),
        {
          code: 'SERVICE_FAILED',
          hint: ctx.facts.isRoot
            ? undefined
            : 'systemctl needs root to change units: connect as root or set become.',
        },
      );
      return;
    case 'custom':
      if (!resource.execute)
        throw new TaskError(
          'PLAN_INCONSISTENT',
          `${resource.kind} ${resource.id}: no executor for action ${action.name}`,
        );
      await resource.execute(ctx, action);
  }
}

/** A failed start, restart or reload shows the unit's status and last journal lines. */
function systemctlScript({ verb, unit }: SystemctlAction): string {
  if (unit === undefined) return 'systemctl daemon-reload';
  const status = sh`systemctl status --no-pager --full -n 10 -- ${unit}`;
  return `${sh`systemctl ${verb} -- ${unit}`} || { rc=$?; ${status} >&2; exit $rc; }`;
}
