import { defineRole, sysctl, task, type Task } from '../../lib/index.js';
import { hardeningSettings } from './hardening-settings.js';
import { ipv6SessionGuard } from './ipv6-session-guard.js';
import { sysctlVariables } from './variables.js';

export { sysctlVariables, type SysctlVariables } from './variables.js';
export { hardeningSettings } from './hardening-settings.js';
export { ipv6SessionProblem } from './ipv6-session-guard.js';

/**
 * Kernel and network hardening as one sysctl.d drop-in, set in the running kernel and read back. In a
 * container only the network keys are the host's own: the others are persisted and reported as not applied.
 *
 * @example
 * sysctlHardening({ disableIpv6: true, extra: { 'vm.swappiness': 10 } })
 */
export const sysctlHardening = defineRole({
  name: 'sysctl',
  variables: sysctlVariables,
  tasks(vars) {
    const tasks: Task[] = [];
    if (vars.disableIpv6) tasks.push(task('SSH session is not over IPv6', ipv6SessionGuard()));
    tasks.push(
      task(
        'kernel hardening settings',
        sysctl({ settings: hardeningSettings(vars), file: vars.file, apply: vars.apply }),
      ),
    );
    return tasks;
  },
});
