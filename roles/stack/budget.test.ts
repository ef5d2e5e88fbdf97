import assert from 'node:assert/strict';
import { computeBudget, formatBudgetTable } from './budget.js';
import { useCaseA, useCaseB } from './fixtures/use-cases.js';

const defaults = { reserveMemoryMb: 1024, reserveCpus: 0.5, overcommitCpu: false };
// What `facts.memoryMb` reads on a "16 GB" VPS: MemTotal is a little under the nominal size.
const vps16 = { cpus: 4, memoryMb: 15_990 };

describe('computeBudget', () => {
  it('USE-CASES A: its limits ask for the whole 16 GB and 6.75 CPUs of a 4 vCPU host', () => {
    const report = computeBudget(useCaseA, vps16, defaults);
    assert.equal(report.total.memoryLimitMiB, 16 * 1024);
    assert.equal(report.total.cpuLimit, 6.75);
    assert.equal(report.total.memoryReservedMiB, 6 * 1024);
    assert.equal(report.total.cpuReserved, 1.5);
    assert.deepEqual(report.available, { cpus: 3.5, memoryMiB: 14_966 });
    assert.deepEqual(report.problems, [
      'memory limits add up to 16.0 GiB, more than the 14.6 GiB available',
      'CPU limits add up to 6.75 CPUs, more than the 3.50 CPUs available (set overcommitCpu to allow it)',
    ]);
    assert.deepEqual(report.unlimited, [
      { service: 'certbot', missing: ['memory', 'cpus'] },
      { service: 'node-exporter', missing: ['memory', 'cpus'] },
      { service: 'cadvisor', missing: ['memory', 'cpus'] },
    ]);
  });

  it('USE-CASES A with overcommitted CPUs still fails on memory, which cannot be shared', () => {
    const report = computeBudget(useCaseA, vps16, { ...defaults, overcommitCpu: true });
    assert.deepEqual(report.problems, ['memory limits add up to 16.0 GiB, more than the 14.6 GiB available']);
  });

  it('USE-CASES B: 13.8 GB and 3.49 CPUs fit the 14 GB / 3.5 vCPU left after a 2 GB / 0.5 vCPU reserve', () => {
    const report = computeBudget(
      useCaseB,
      { cpus: 4, memoryMb: 16 * 1024 },
      { ...defaults, reserveMemoryMb: 2048 },
    );
    assert.equal(report.rows.length, 18);
    assert.equal(report.total.memoryLimitMiB, 14_131);
    assert.match(formatBudgetTable(report), /^total +3\.49 +13\.8 GiB +0\.25 +5\.5 GiB$/m);
    assert.ok(Math.abs(report.total.cpuLimit - 3.49) < 1e-9);
    assert.deepEqual(report.available, { cpus: 3.5, memoryMiB: 14 * 1024 });
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.unlimited, []);
  });

  it('USE-CASES B no longer fits when the OS keeps 3 GB', () => {
    const report = computeBudget(
      useCaseB,
      { cpus: 4, memoryMb: 16 * 1024 },
      { ...defaults, reserveMemoryMb: 3072 },
    );
    assert.deepEqual(report.problems, ['memory limits add up to 13.8 GiB, more than the 13.0 GiB available']);
  });

  it('multiplies by replicas, and names limits Docker would refuse and reservations above limits', () => {
    const report = computeBudget(
      {
        services: {
          web: {
            image: 'web:1',
            deploy: { replicas: 3, resources: { limits: { cpus: '0.5', memory: '256m' } } },
          },
          huge: { image: 'huge:1', deploy: { resources: { limits: { cpus: 3, memory: '1g' } } } },
          odd: {
            image: 'odd:1',
            deploy: {
              resources: {
                limits: { cpus: 0.5, memory: 536_870_912 },
                reservations: { cpus: 1, memory: '1GiB' },
              },
            },
          },
        },
      },
      { cpus: 2, memoryMb: 8192 },
      { ...defaults, overcommitCpu: true },
    );
    assert.deepEqual(
      report.rows.map((row) => [row.service, row.cpuLimit, row.memoryLimitMiB]),
      [
        ['web', 1.5, 768],
        ['huge', 3, 1024],
        ['odd', 0.5, 512],
      ],
    );
    assert.deepEqual(report.problems, [
      "huge: a limit of 3.00 CPUs exceeds the host's 2 (Docker refuses it)",
      'odd: its memory reservation is above its memory limit',
      'odd: its CPU reservation is above its CPU limit',
    ]);
  });

  it('refuses a size it cannot read, naming the service', () => {
    assert.throws(
      () =>
        computeBudget(
          { services: { db: { image: 'db:1', deploy: { resources: { limits: { memory: 'lots' } } } } } },
          vps16,
          defaults,
        ),
      /service db: 'lots' is not a memory size/,
    );
  });
});

describe('formatBudgetTable', () => {
  it('prints one row per service, the totals and what is available', () => {
    const table = formatBudgetTable(computeBudget(useCaseA, vps16, defaults));
    assert.equal(
      table,
      [
        'service        cpus limit  memory limit  cpus reserved  memory reserved  pids',
        'mongodb              2.00       6.0 GiB           1.00          4.0 GiB     -',
        'redis                1.00       3.0 GiB           0.50          2.0 GiB     -',
        'n8n                  1.00       2.0 GiB              -                -     -',
        'postgres             0.50       1.0 GiB              -                -     -',
        'api                  0.50       1.0 GiB              -                -     -',
        'bot                  0.50       1.0 GiB              -                -     -',
        'nginx                0.50       512 MiB              -                -     -',
        'prometheus           0.50       1.0 GiB              -                -     -',
        'grafana              0.25       512 MiB              -                -     -',
        'certbot                 -             -              -                -     -',
        'node-exporter           -             -              -                -     -',
        'cadvisor                -             -              -                -     -',
        '-------------  ----------  ------------  -------------  ---------------  ----',
        'total                6.75      16.0 GiB           1.50          6.0 GiB',
        'available            3.50      14.6 GiB           3.50         14.6 GiB',
        '(host: 4 CPUs, 15.6 GiB; kept for the OS: 0.50 CPUs, 1.0 GiB)',
      ].join('\n'),
    );
  });
});
