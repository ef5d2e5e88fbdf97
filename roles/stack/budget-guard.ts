import { TaskError } from '../../lib/errors.js';
import type { Resource } from '../../lib/resources/resource.js';
import { computeBudget, formatBudgetTable, type BudgetOptions, type BudgetReport } from './budget.js';
import type { ComposeFile } from './compose-schema.js';
import { formatCpus, formatMiB } from './units.js';

export interface BudgetGuardOptions extends BudgetOptions {
  /** The stack's Compose file; called at the probe, where a bad input fails this first task. */
  compose: () => ComposeFile;
  requireLimits: boolean;
}

/**
 * The stack's first task: changes nothing, and fails before any other task runs when the services' limits
 * and reservations do not fit the host (facts: memory and CPUs) less the OS reserve, printing the
 * capacity table. Services without limits are a warning on the task's result, or a failure with
 * `requireLimits`.
 */
export function budgetGuard(options: BudgetGuardOptions): Resource<BudgetReport | undefined> {
  return {
    kind: 'stack-budget',
    id: 'resource budget',
    async probe(ctx) {
      const compose = options.compose();
      const { memoryMb, cpus } = ctx.facts;
      if (!memoryMb || !cpus) return undefined;
      const report = computeBudget(compose, { memoryMb, cpus }, options);
      const where = `${ctx.transport.hostName}: the stack does not fit the host's resource budget`;
      if (report.problems.length > 0)
        throw new TaskError(
          'STACK_OVER_BUDGET',
          `${where} (nothing was changed):\n${formatBudgetTable(report)}\n${report.problems.map((problem) => `- ${problem}`).join('\n')}\n` +
            'Lower the limits, move services to another host, or give a smaller reserveMemoryMb/reserveCpus if the OS needs less.',
        );
      if (options.requireLimits && report.unlimited.length > 0)
        throw new TaskError(
          'STACK_UNLIMITED',
          `${where}: requireLimits is set and ${describeUnlimited(report)} (nothing was changed). ` +
            'Give each service deploy.resources.limits with cpus and memory.',
        );
      return report;
    },
    plan(report) {
      if (!report)
        return {
          changes: [],
          message: "warning: the host's memory and CPUs are unknown; budget not checked",
        };
      const summary =
        `limits ${formatCpus(report.total.cpuLimit)}/${formatCpus(report.available.cpus)} CPUs, ` +
        `${formatMiB(report.total.memoryLimitMiB)}/${formatMiB(report.available.memoryMiB)}`;
      return {
        changes: [],
        message:
          report.unlimited.length > 0
            ? `${summary}; warning: ${describeUnlimited(report)}: they can take what the others were promised (requireLimits refuses this)`
            : summary,
      };
    },
    async apply() {},
  };
}

function describeUnlimited(report: BudgetReport): string {
  const list = report.unlimited
    .map(({ service, missing }) => `${service} (${missing.join(', ')})`)
    .join(', ');
  return `these services have no limit: ${list}`;
}
