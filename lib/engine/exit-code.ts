import { ExitCode } from '../errors.js';
import type { RunResult } from './results.js';

/**
 * The exit code of a run, as Ansible's: 3 when a host was unreachable, 2 when a task failed, else 0.
 * With `detailedExitCode`, a successful run with changes (pending, in check mode) exits 6.
 */
export function exitCodeOf(result: RunResult, detailedExitCode = false): ExitCode {
  if (result.hosts.some((host) => host.unreachable)) return ExitCode.hostUnreachable;
  if (result.hosts.some((host) => host.failure !== undefined)) return ExitCode.hostFailed;
  if (detailedExitCode && result.hosts.some((host) => host.changed > 0)) return ExitCode.changesPending;
  return ExitCode.ok;
}
