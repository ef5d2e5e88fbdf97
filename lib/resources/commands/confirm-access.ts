import { TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import { custom, type CustomAction } from '../actions.js';
import { noChange, type Plan, type Resource, type ResourceContext } from '../resource.js';
import { guardFolder, guardTimer, type RollbackGuard } from './rollback-guard.js';

export interface ConfirmAccessOptions {
  guard: RollbackGuard;
  /** The SSH port a fresh login must use after the change (default: the current one). */
  port?: number;
  /** What the guarded change was, for messages: 'sshd configuration', 'firewall rules'. */
  what: string;
}

/**
 * The confirm half of commit-confirm, used as a handler after the guarded changes are live: log in afresh
 * with the new settings; on success cancel the host's rollback and move the run to the new connection;
 * on failure roll back at once over the connection still open, and fail with what was restored.
 */
export function confirmAccess(options: ConfirmAccessOptions): Resource<{ armed: boolean }> {
  return {
    kind: 'confirm-access',
    id: options.guard.id,
    // Notified in check mode means a real run would have armed the guard: predict the login then.
    probe: (ctx) => ({
      script: sh`test -d ${guardFolder(options.guard)}`.text,
      parse: (result) => ({ armed: ctx.check || result.code === 0 }),
    }),
    plan: (current) => planConfirm(current.armed, options.port),
    execute: (ctx, action) => confirmLogin(ctx, options, action),
  };
}

/** One custom action, 'confirm-login', with the port of the fresh login when it is not the current one. */
export function planConfirm(armed: boolean, port: number | undefined): Plan {
  if (!armed) return noChange();
  return {
    actions: [custom('confirm-login', port === undefined ? {} : { port })],
    changes: [`log in afresh${port ? ` on port ${port}` : ''}, then cancel the rollback`],
  };
}

/** Runs 'confirm-login': the fresh login, then the rollback cancelled, or run at once when the login fails. */
export async function confirmLogin(
  ctx: ResourceContext,
  options: Omit<ConfirmAccessOptions, 'port'>,
  action: CustomAction,
): Promise<void> {
  if (action.name !== 'confirm-login')
    throw new TaskError('PLAN_INCONSISTENT', `confirm-access: no executor for action ${action.name}`);
  const port = action.port as number | undefined;
  const dir = guardFolder(options.guard);
  const timer = guardTimer(options.guard);
  try {
    await ctx.reconnect(port ? { port } : {});
  } catch (loginError) {
    const rollback = await ctx.transport.exec(
      sh`systemctl stop ${`${timer}.timer`} 2>/dev/null; sh ${`${dir}/restore.sh`}`.text,
    );
    const restored =
      rollback.code === 0
        ? `Bosun restored the previous ${options.what} (${options.guard.paths.join(', ')}) and ran: ${options.guard.restore}.`
        : `Restoring the previous ${options.what} failed (${rollback.stderr.trim()}); the host's own timer ${timer} retries within ${options.guard.timeoutSeconds} s.`;
    throw new TaskError(
      'ACCESS_CHECK_FAILED',
      `${ctx.transport.hostName}: after changing the ${options.what}, a fresh SSH login${port ? ` on port ${port}` : ''} failed: ${(loginError as Error).message}\n${restored} The host is reachable with its old settings; fix the variables and run again.`,
    );
  }
  await ctx.transport.exec(sh`systemctl stop ${`${timer}.timer`} 2>/dev/null; rm -rf ${dir}`.text);
}
