import { TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import type { Plan, Resource } from '../resource.js';
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
  const dir = guardFolder(options.guard);
  const timer = guardTimer(options.guard);
  return {
    kind: 'confirm-access',
    id: options.guard.id,
    // Notified in check mode means a real run would have armed the guard: predict the login then.
    probe: async (ctx) => ({
      armed: ctx.check || (await ctx.transport.exec(sh`test -d ${dir}`.text)).code === 0,
    }),
    plan: (current): Plan =>
      current.armed
        ? {
            changes: [
              `log in afresh${options.port ? ` on port ${options.port}` : ''}, then cancel the rollback`,
            ],
          }
        : { changes: [] },
    apply: async (ctx) => {
      try {
        await ctx.reconnect(options.port ? { port: options.port } : {});
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
          `${ctx.transport.hostName}: after changing the ${options.what}, a fresh SSH login${options.port ? ` on port ${options.port}` : ''} failed: ${(loginError as Error).message}\n${restored} The host is reachable with its old settings; fix the variables and run again.`,
        );
      }
      await ctx.transport.exec(sh`systemctl stop ${`${timer}.timer`} 2>/dev/null; rm -rf ${dir}`.text);
    },
  };
}
