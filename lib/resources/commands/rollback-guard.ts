import { sh } from '../../transport/shell.js';
import type { Resource } from '../resource.js';
import { run, type RunAction } from '../actions.js';

/**
 * Commit-confirm for changes that could cut access (sshd, firewall). Before the first guarded change of a
 * run, the host snapshots `paths` and schedules its own rollback with a transient systemd timer: restore
 * the snapshot, then run `restore` (e.g. restart sshd). Only a fresh login after the change (confirmAccess)
 * cancels it, so a lost connection still ends with the host back on its old settings.
 */
export interface RollbackGuard {
  /** Names the snapshot folder and the timer unit: letters, digits and dashes. */
  id: string;
  /** Files and folders the changes touch; ones that do not exist yet are removed on rollback. */
  paths: string[];
  /** Shell commands run after the files are restored, to make the old settings live again. */
  restore: string;
  /** How long the host waits for the confirmation before it rolls back by itself. */
  timeoutSeconds: number;
}

export const guardFolder = (guard: RollbackGuard) => `/var/lib/bosun/rollback/${guard.id}`;
export const guardTimer = (guard: RollbackGuard) => `bosun-rollback-${guard.id}`;

/** The script that snapshots the paths and arms the timer, in one round trip; a no-op when already armed. */
export function armScript(guard: RollbackGuard): string {
  if (!/^[a-z0-9-]+$/.test(guard.id))
    throw new TypeError(`rollback guard id must be kebab-case: ${guard.id}`);
  const dir = guardFolder(guard);
  const restoreScript = [
    'set -u',
    // Paths created by the change go; the snapshot brings back the rest with modes and owners.
    ...guard.paths.map((path) => String(sh`grep -qxF ${path} ${dir}/existed || rm -rf ${path}`)),
    String(sh`if [ -s ${dir}/existed ]; then tar -xpf ${dir}/snapshot.tar -P; fi`),
    guard.restore,
    String(sh`rm -rf ${dir}`),
  ].join('\n');
  return [
    'set -e',
    String(sh`dir=${dir}`),
    'if [ -d "$dir" ]; then exit 0; fi',
    'mkdir -p "$dir"',
    ': > "$dir/existed"',
    ...guard.paths.map((path) => String(sh`if [ -e ${path} ]; then echo ${path} >> "$dir/existed"; fi`)),
    'if [ -s "$dir/existed" ]; then tar -cpf "$dir/snapshot.tar" -P -T "$dir/existed"; fi',
    String(sh`printf '%s\n' ${restoreScript} > "$dir/restore.sh"`),
    // A unit left from an earlier rollback that failed would make systemd-run refuse the name.
    String(
      sh`systemctl reset-failed ${`${guardTimer(guard)}.service`} ${`${guardTimer(guard)}.timer`} 2>/dev/null || true`,
    ),
    String(
      sh`systemd-run --quiet --unit=${guardTimer(guard)} --on-active=${guard.timeoutSeconds} --timer-property=AccuracySec=1s /bin/sh ${dir}/restore.sh`,
    ),
  ].join('\n');
}

/** Wraps a resource so that its changes first arm the guard: no extra round trip when nothing changes. */
export function guarded<S>(resource: Resource<S>, guard: RollbackGuard): Resource<S> {
  return {
    kind: resource.kind,
    id: resource.id,
    probe: (ctx) => resource.probe(ctx),
    plan(current) {
      const plan = resource.plan(current);
      if (plan.actions.length === 0) return plan;
      return { ...plan, actions: [armAction(guard), ...plan.actions] };
    },
    ...(resource.execute ? { execute: (ctx, action) => resource.execute!(ctx, action) } : {}),
  };
}

/** The action that arms the guard on the host (once per change window). */
export function armAction(guard: RollbackGuard): RunAction {
  return run(armScript(guard), `arming the ${guard.id} rollback`, 'ROLLBACK_ARM_FAILED');
}
