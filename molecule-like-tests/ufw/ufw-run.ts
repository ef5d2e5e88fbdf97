import { playbook } from '../../lib/engine/playbook.js';
import type { RunResult } from '../../lib/engine/results.js';
import { runInProcess, type CapturedRun, type InProcessRunOptions } from '../../lib/testing/index.js';
import type { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';
import { ufw } from '../../roles/ufw/index.js';
import type { UfwVariables } from '../../roles/ufw/variables.js';

/** Runs the ufw role alone on the fleet's hosts, as `bosun run` would. */
export function runUfw(
  fleet: ThrowawayFleet,
  vars: Partial<UfwVariables>,
  options: Omit<InProcessRunOptions, 'inventoryFile' | 'knownHostsFile'> = {},
): Promise<CapturedRun> {
  const book = playbook({ name: 'ufw', plays: [{ name: 'firewall', hosts: 'all', roles: [ufw(vars)] }] });
  return runInProcess(book, {
    ...options,
    inventoryFile: fleet.inventoryFile,
    knownHostsFile: fleet.knownHostsFile,
  });
}

/** The failure of the run's only host, or undefined when it did not fail. */
export const failureOf = (result: RunResult) => result.hosts[0].failure;

/** Lines of the tasks that changed (or would change), as `task: line`. */
export const changedLines = (result: RunResult) =>
  result.tasks
    .filter((t) => t.status === 'changed')
    .flatMap((t) => t.changes.map((line) => `${t.task}: ${line}`));
