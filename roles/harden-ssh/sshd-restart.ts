import {
  custom,
  guardFolder,
  guardTimer,
  lastLines,
  sh,
  TaskError,
  type Resource,
  type RollbackGuard,
} from '../../lib/index.js';
import type { SshdFacts } from './sshd-fact.js';

/**
 * The commands that make sshd's files live, for the restart handler and for the rollback. With socket
 * activation systemd owns the listening socket: reload units (our ListenStream drop-in, or Ubuntu's
 * sshd-socket-generator reading Port), stop the running listener (it holds the old socket, and systemd
 * refuses to restart a socket whose service runs; KillMode=process keeps open sessions), then restart
 * the socket. Otherwise sshd re-reads its files on reload, ports included.
 */
export function sshdRestartCommand(sshd: SshdFacts): string {
  const service = `${sshd.service}.service`;
  return sshd.socketActivated
    ? String(
        sh`systemctl daemon-reload && systemctl stop ${service} && systemctl restart ${`${sshd.service}.socket`}`,
      )
    : String(sh`systemctl daemon-reload && systemctl reload-or-restart ${service}`);
}

/**
 * Handler that restarts sshd after guarded changes, with one custom action ('restart-sshd'): if the
 * restart fails, nothing may be listening any more, so it rolls back at once over the connection still
 * open (instead of waiting for the host's timer) and fails saying what it restored.
 */
export function restartSshd(guard: RollbackGuard, sshd: SshdFacts): Resource<Record<string, never>> {
  const command = sshdRestartCommand(sshd);
  const dir = guardFolder(guard);
  return {
    kind: 'sshd-restart',
    id: sshd.socketActivated ? `${sshd.service}.socket` : `${sshd.service}.service`,
    // Nothing to read: a handler always acts.
    probe: async () => ({}),
    plan: () => ({
      actions: [custom('restart-sshd', { command })],
      changes: [
        sshd.socketActivated
          ? `restart ${sshd.service}.socket (socket activation: systemd listens for sshd)`
          : `reload ${sshd.service}.service`,
      ],
    }),
    async execute(ctx) {
      const result = await ctx.transport.exec(command);
      if (result.code === 0) return;
      const rollback = await ctx.transport.exec(
        sh`if [ -d ${dir} ]; then systemctl stop ${`${guardTimer(guard)}.timer`}; sh ${`${dir}/restore.sh`}; else exit 3; fi`
          .text,
      );
      const restored =
        rollback.code === 0
          ? `Bosun restored the previous sshd configuration (${guard.paths.join(', ')}) and ran: ${guard.restore}.`
          : rollback.code === 3
            ? 'No rollback was armed: check sshd on the host (systemctl status ssh).'
            : `Restoring the previous sshd configuration failed (${rollback.stderr.trim()}); the host's own timer ${guardTimer(guard)} retries within ${guard.timeoutSeconds} s.`;
      throw new TaskError(
        'SSHD_RESTART_FAILED',
        `${ctx.transport.hostName}: restarting sshd with the new configuration failed (\`${command}\`, exit ${result.code}):\n${lastLines(result.stderr || result.stdout, 10)}\n${restored}`,
      );
    },
  };
}
