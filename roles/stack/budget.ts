import type { ComposeFile } from './compose-schema.js';
import { cpuCount, formatCpus, formatMiB, memoryMiB } from './units.js';

export interface HostCapacity {
  memoryMb: number;
  cpus: number;
}

export interface BudgetOptions {
  /** Kept for the OS and Docker itself, outside every container. */
  reserveMemoryMb: number;
  reserveCpus: number;
  /** Let the CPU limits add up to more than the CPUs available (CPU time is shared, not killed for). */
  overcommitCpu: boolean;
}

/** One service's share, multiplied by its replicas; undefined where the service sets nothing. */
export interface BudgetRow {
  service: string;
  replicas: number;
  cpuLimit?: number;
  memoryLimitMiB?: number;
  cpuReserved?: number;
  memoryReservedMiB?: number;
  pids?: number;
}

export interface BudgetReport {
  rows: BudgetRow[];
  total: { cpuLimit: number; memoryLimitMiB: number; cpuReserved: number; memoryReservedMiB: number };
  host: HostCapacity;
  available: { cpus: number; memoryMiB: number };
  options: BudgetOptions;
  /** Services missing a memory or CPU limit: they can take what the others were promised. */
  unlimited: { service: string; missing: ('memory' | 'cpus')[] }[];
  /** Why the stack does not fit the host; empty when it does. */
  problems: string[];
}

/**
 * The resource budget of a stack (USE-CASES B): the services' limits and reservations, summed and compared
 * with the host less a reserve for the OS. Memory limits must fit (memory cannot be shared: past it the
 * OOM killer picks a container), reservations must fit, and CPU limits too unless `overcommitCpu`.
 */
export function computeBudget(
  compose: ComposeFile,
  host: HostCapacity,
  options: BudgetOptions,
): BudgetReport {
  const rows = Object.entries(compose.services).map(([service, definition]): BudgetRow => {
    const where = `service ${service}`;
    const replicas = definition.deploy?.replicas ?? 1;
    const { limits = {}, reservations = {} } = definition.deploy?.resources ?? {};
    const times = (value: number | undefined) => (value === undefined ? undefined : value * replicas);
    return {
      service,
      replicas,
      cpuLimit: times(limits.cpus === undefined ? undefined : cpuCount(limits.cpus)),
      memoryLimitMiB: times(limits.memory === undefined ? undefined : memoryMiB(limits.memory, where)),
      cpuReserved: times(reservations.cpus === undefined ? undefined : cpuCount(reservations.cpus)),
      memoryReservedMiB: times(
        reservations.memory === undefined ? undefined : memoryMiB(reservations.memory, where),
      ),
      pids: limits.pids,
    };
  });
  const sum = (pick: (row: BudgetRow) => number | undefined) =>
    rows.reduce((total, row) => total + (pick(row) ?? 0), 0);
  const total = {
    cpuLimit: sum((row) => row.cpuLimit),
    memoryLimitMiB: sum((row) => row.memoryLimitMiB),
    cpuReserved: sum((row) => row.cpuReserved),
    memoryReservedMiB: sum((row) => row.memoryReservedMiB),
  };
  const available = {
    cpus: Math.max(0, host.cpus - options.reserveCpus),
    memoryMiB: Math.max(0, host.memoryMb - options.reserveMemoryMb),
  };

  const problems: string[] = [];
  // Sums of decimals such as 0.1 + 0.2: compare with a tolerance far below any meaningful amount.
  const over = (used: number, limit: number) => used - limit > 1e-6;
  const memory = (mib: number) => formatMiB(mib);
  const cpus = (count: number) => `${formatCpus(count)} CPUs`;
  if (over(total.memoryLimitMiB, available.memoryMiB))
    problems.push(
      `memory limits add up to ${memory(total.memoryLimitMiB)}, more than the ${memory(available.memoryMiB)} available`,
    );
  if (over(total.memoryReservedMiB, available.memoryMiB))
    problems.push(
      `memory reservations add up to ${memory(total.memoryReservedMiB)}, more than the ${memory(available.memoryMiB)} available`,
    );
  if (!options.overcommitCpu && over(total.cpuLimit, available.cpus))
    problems.push(
      `CPU limits add up to ${cpus(total.cpuLimit)}, more than the ${cpus(available.cpus)} available (set overcommitCpu to allow it)`,
    );
  if (over(total.cpuReserved, available.cpus))
    problems.push(
      `CPU reservations add up to ${cpus(total.cpuReserved)}, more than the ${cpus(available.cpus)} available`,
    );
  for (const row of rows) {
    const perReplica = (value: number) => (row.replicas === 0 ? 0 : value / row.replicas);
    if (row.cpuLimit !== undefined && over(perReplica(row.cpuLimit), host.cpus))
      problems.push(
        `${row.service}: a limit of ${cpus(perReplica(row.cpuLimit))} exceeds the host's ${host.cpus} (Docker refuses it)`,
      );
    if (row.memoryLimitMiB !== undefined && over(row.memoryReservedMiB ?? 0, row.memoryLimitMiB))
      problems.push(`${row.service}: its memory reservation is above its memory limit`);
    if (row.cpuLimit !== undefined && over(row.cpuReserved ?? 0, row.cpuLimit))
      problems.push(`${row.service}: its CPU reservation is above its CPU limit`);
  }

  const unlimited = rows.flatMap((row) => {
    const missing = [
      ...(row.memoryLimitMiB === undefined ? (['memory'] as const) : []),
      ...(row.cpuLimit === undefined ? (['cpus'] as const) : []),
    ];
    return missing.length > 0 ? [{ service: row.service, missing }] : [];
  });
  return { rows, total, host, available, options, unlimited, problems };
}

/** The capacity table: one row per service, the totals, and what the host has to give. */
export function formatBudgetTable(report: BudgetReport): string {
  const dash = (value: number | undefined, format: (value: number) => string) =>
    value === undefined ? '-' : format(value);
  const header = ['service', 'cpus limit', 'memory limit', 'cpus reserved', 'memory reserved', 'pids'];
  const body = report.rows.map((row) => [
    row.replicas > 1 ? `${row.service} (x${row.replicas})` : row.service,
    dash(row.cpuLimit, formatCpus),
    dash(row.memoryLimitMiB, formatMiB),
    dash(row.cpuReserved, formatCpus),
    dash(row.memoryReservedMiB, formatMiB),
    dash(row.pids, String),
  ]);
  const { total, available } = report;
  const footer = [
    [
      'total',
      formatCpus(total.cpuLimit),
      formatMiB(total.memoryLimitMiB),
      formatCpus(total.cpuReserved),
      formatMiB(total.memoryReservedMiB),
      '',
    ],
    [
      'available',
      formatCpus(available.cpus),
      formatMiB(available.memoryMiB),
      formatCpus(available.cpus),
      formatMiB(available.memoryMiB),
      '',
    ],
  ];
  const table = [header, ...body, ...footer];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const { host, options } = report;
  return [
    line(header),
    ...body.map(line),
    rule,
    ...footer.map(line),
    `(host: ${host.cpus} CPUs, ${formatMiB(host.memoryMb)}; kept for the OS: ${formatCpus(options.reserveCpus)} CPUs, ${formatMiB(options.reserveMemoryMb)})`,
  ].join('\n');
}
