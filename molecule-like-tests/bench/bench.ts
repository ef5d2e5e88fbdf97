// `npm run bench`: wall time of a no-op re-run of the demo playbook through the real CLI, on 1 host and
// on 5 hosts at once, from the TypeScript sources (as in this repository) and from the built bin (as
// installed), and the SSH round trips per task, as a markdown table. At most 5 containers, all removed at
// the end.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JsonReport } from '../../lib/output/index.js';
import { runBosun } from '../../lib/testing/run-bosun.js';
import { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const playbookFile = `${root}playbooks/demo.ts`;
/** The installed `bosun` bin: the compiled CLI in dist/. */
const distCli = { command: process.execPath, args: [`${root}dist/lib/cli/main.js`] };
const timedRuns = 5;
const hostNames = ['bench-1', 'bench-2', 'bench-3', 'bench-4', 'bench-5'];
let interrupted = false;

interface Measure {
  wallMs: number;
  report: JsonReport;
}

async function runJson(fleet: ThrowawayFleet, extra: string[], cli?: typeof distCli): Promise<Measure> {
  const args = ['run', playbookFile, '-i', fleet.inventoryFile, '--known-hosts-file', fleet.knownHostsFile];
  const started = performance.now();
  const { code, stdout, stderr } = await runBosun([...args, '--json', '--forks', '5', ...extra], { cli });
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`bosun exited ${code}:\n${stderr}\n${stdout.slice(-4000)}`);
  return { wallMs, report: JSON.parse(stdout) as JsonReport };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function measure(
  fleet: ThrowawayFleet,
  label: string,
  extra: string[],
  cli?: typeof distCli,
): Promise<string> {
  const runs: Measure[] = [];
  for (let i = 0; i < timedRuns; i += 1) {
    if (interrupted) throw new Error('interrupted');
    const run = await runJson(fleet, extra, cli);
    const changed = run.report.hosts.reduce((sum, host) => sum + host.changed, 0);
    if (changed > 0) throw new Error(`${label}: the re-run changed ${changed} task(s); a no-op was expected`);
    runs.push(run);
    process.stderr.write(`${label}: run ${i + 1}/${timedRuns} ${seconds(run.wallMs)} s\n`);
  }
  const walls = runs.map((run) => run.wallMs);
  const engine = runs.map((run) => run.report.durationMs);
  const { report } = runs[0];
  const tasks = report.tasks.length;
  const commands = report.hosts.reduce((sum, host) => sum + host.counters.commands, 0);
  const taskTrips = report.tasks.reduce((sum, task) => sum + task.roundTrips, 0);
  return [
    label,
    report.hosts.length,
    seconds(median(walls)),
    seconds(Math.min(...walls)),
    seconds(Math.max(...walls)),
    seconds(median(engine)),
    tasks,
    commands,
    (commands / tasks).toFixed(2),
    (taskTrips / tasks).toFixed(2),
  ].join(' | ');
}

async function main(): Promise<void> {
  const stop = () => {
    interrupted = true;
    process.stderr.write('\ninterrupted: removing the throwaway hosts...\n');
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  process.stderr.write('Building the bosun bin (dist/)...\n');
  execFileSync(process.execPath, [
    `${root}node_modules/typescript/bin/tsc`,
    '-p',
    `${root}tsconfig.build.json`,
  ]);
  process.stderr.write(`Starting ${hostNames.length} throwaway hosts...\n`);
  const fleet = await ThrowawayFleet.start(hostNames.map((name) => ({ name })));
  try {
    if (interrupted) return;
    process.stderr.write('Converging them once (installs nginx)...\n');
    await runJson(fleet, []);
    const rows = [
      await measure(fleet, 'no-op re-run, 1 host', ['--limit', hostNames[0]]),
      await measure(fleet, `no-op re-run, ${hostNames.length} hosts`, []),
      await measure(fleet, 'no-op re-run, 1 host, dist bin', ['--limit', hostNames[0]], distCli),
      await measure(fleet, `no-op re-run, ${hostNames.length} hosts, dist bin`, [], distCli),
    ];
    process.stdout.write(
      [
        '',
        `Demo playbook (playbooks/demo.ts), ${timedRuns} timed runs per row, wall time of \`bosun run --json --forks 5\` ` +
          '(node start and playbook load included), from the TypeScript sources through tsx (`npm run bosun`) or from ' +
          'the built bin in dist/ (the installed `bosun`); engine = the run itself as the JSON report times it.',
        '',
        '| case | hosts | median s | min s | max s | engine median s | tasks | SSH commands | round trips / task (all) | round trips / task (in tasks) |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows.map((row) => `| ${row} |`),
        '',
        '"all" divides every command on the connections (fact gathering, which also reads pending handlers, included) by ' +
          'the task results; "in tasks" counts only the round trips of the tasks (probe and apply).',
        '',
      ].join('\n'),
    );
  } finally {
    await fleet.stop();
    process.stderr.write('The throwaway hosts are removed.\n');
  }
}

await main().catch((error: Error) => {
  process.stderr.write(`${interrupted ? 'interrupted' : `bench failed: ${error.message}`}\n`);
  process.exitCode = interrupted ? 130 : 1;
});
