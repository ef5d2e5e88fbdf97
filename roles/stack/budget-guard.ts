import type { Check, Verdict } from '../../lib/index.js';
import { computeBudget, formatBudgetTable, type BudgetOptions, type BudgetReport } from './budget.js';
import type { ComposeFile } from './compose-schema.js';
import { formatCpus, formatMiB } from './units.js';

export interface BudgetGuardOptions extends BudgetOptions {
  /** The stack's Compose file; called at the probe, where a bad input fails this first task. */
  compose: () => ComposeFile;
  requireLimits: boolean;
}

/**
 * The stack's first task, a check: fails before any other task runs when the services' limits and
 * reservations do not fit the host (facts: memory and CPUs) less the OS reserve, printing the capacity
 * table. Services without limits are a warning on the task's result, or a failure with `requireLimits`.
 * It reads nothing from the host beyond the facts.
 */
export function budgetGuard(options: BudgetGuardOptions): Check<BudgetReport | undefined> {
  return {
    kind: 'stack-budget',
    id: 'resource budget',
    async probe(ctx) {
      const compose = options.compose();
      const { memoryMb, cpus } = ctx.facts;
      if (!memoryMb || !cpus) return undefined;
      return computeBudget(compose, { memoryMb, cpus }, options);
    },
    verify: (report, ctx) => verifyBudget(report, options.requireLimits, ctx.transport.hostName),
  };
}

/** Passes with the totals (and a warning for services without limits), or fails with the table. */
export function verifyBudget(
  report: BudgetReport | undefined,
  requireLimits: boolean,
  hostName: string,
): Verdict {
  if (!report)
    return { passed: true, message: "warning: the host's memory and CPUs are unknown; budget not checked" };
  const where = `${hostName}: the stack does not fit the host's resource budget`;
  if (report.problems.length > 0)
    return {
      passed: false,
      message:
        `${where} (nothing was changed):\n${formatBudgetTable(report)}\n${report.problems.map((problem) => `- ${problem}`).join('\n')}\n` +
        'Lower the limits, move services to another host, or give a smaller reserveMemoryMb/reserveCpus if the OS needs less.',
    };
  if (requireLimits && report.unlimited.length > 0)
    return {
      passed: false,
      message:
        `${where}: requireLimits is set and ${describeUnlimited(report)} (nothing was changed). ` +
        'Give each service deploy.resources.limits with cpus and memory.',
    };
  const summary =
    `limits ${formatCpus(report.total.cpuLimit)}/${formatCpus(report.available.cpus)} CPUs, ` +
    `${formatMiB(report.total.memoryLimitMiB)}/${formatMiB(report.available.memoryMiB)}`;
  return {
    passed: true,
    message:
      report.unlimited.length > 0
        ? `${summary}; warning: ${describeUnlimited(report)}: they can take what the others were promised (requireLimits refuses this)`
        : summary,
  };
}

function describeUnlimited(report: BudgetReport): string {
  const list = report.unlimited
    .map(({ service, missing }) => `${service} (${missing.join(', ')})`)
    .join(', ');
  return `these services have no limit: ${list}`;
}
