// The demo part of `npm run bench`: wall time of a no-op re-run of the demo playbook through the real CLI,
// on 1 host and on 5 hosts at once, from the TypeScript sources (as in this repository) and from the built
// bin (as installed), and the SSH round trips per task, as a markdown table. At most 5 containers, all
// removed at the end.
import type { JsonReport } from '../../lib/output/index.js';
import { runBosun } from '../../lib/testing/run-bosun.js';
import { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';
import { checkInterrupted, log, markdownTable, seconds, summarize } from './measure.js';
import { root } from './user-repo.js';

const playbookFile = `${root}playbooks/demo.ts`;
/** The installed `bosun` bin: the compiled CLI in dist/. */
const distCli = { command: process.execPath, args: [`${root}dist/lib/cli/main.js`] };
const hostNames = ['bench-1', 'bench-2', 'bench-3', 'bench-4', 'bench-5'];

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

async function measure(
  fleet: ThrowawayFleet,
  label: string,
  extra: string[],
  timedRuns: number,
  cli?: typeof distCli,
): Promise<(string | number)[]> {
  const runs: Measure[] = [];
  for (let i = 0; i < timedRuns; i += 1) {
    checkInterrupted();
    const run = await runJson(fleet, extra, cli);
    const changed = run.report.hosts.reduce((sum, host) => sum + host.changed, 0);
    if (changed > 0) throw new Error(`${label}: the re-run changed ${changed} task(s); a no-op was expected`);
    runs.push(run);
    log(`${label}: run ${i + 1}/${timedRuns} ${seconds(run.wallMs)} s`);
  }
  const walls = summarize(runs.map((run) => run.wallMs));
  const engine = summarize(runs.map((run) => run.report.durationMs));
  const { report } = runs[0];
  const tasks = report.tasks.length;
  const commands = report.hosts.reduce((sum, host) => sum + host.counters.commands, 0);
  const taskTrips = report.tasks.reduce((sum, task) => sum + task.roundTrips, 0);
  return [
    label,
    report.hosts.length,
    seconds(walls.median),
    seconds(walls.min),
    seconds(walls.max),
    seconds(engine.median),
    tasks,
    commands,
    (commands / tasks).toFixed(2),
    (taskTrips / tasks).toFixed(2),
  ];
}

/** The demo part: the fleet of 5 hosts converged once, then the timed no-op re-runs (the dist bin already built). */
export async function demoPart(options: { runs: number }): Promise<string> {
  log(`demo: starting ${hostNames.length} throwaway hosts...`);
  const fleet = await ThrowawayFleet.start(hostNames.map((name) => ({ name })));
  try {
    checkInterrupted();
    log('demo: converging them once (installs nginx)...');
    await runJson(fleet, []);
    const runs = options.runs;
    const rows = [
      await measure(fleet, 'no-op re-run, 1 host', ['--limit', hostNames[0]], runs),
      await measure(fleet, `no-op re-run, ${hostNames.length} hosts`, [], runs),
      await measure(fleet, 'no-op re-run, 1 host, dist bin', ['--limit', hostNames[0]], runs, distCli),
      await measure(fleet, `no-op re-run, ${hostNames.length} hosts, dist bin`, [], runs, distCli),
    ];
    return [
      `Demo playbook (playbooks/demo.ts), ${runs} timed runs per row, wall time of \`bosun run --json --forks 5\` ` +
        '(node start and playbook load included), from the TypeScript sources through tsx (`npm run bosun`) or from ' +
        'the built bin in dist/ (the installed `bosun`); engine = the run itself as the JSON report times it.',
      '',
      markdownTable(
        [
          'case',
          'hosts',
          'median s',
          'min s',
          'max s',
          'engine median s',
          'tasks',
          'SSH commands',
          'round trips / task (all)',
          'round trips / task (in tasks)',
        ],
        rows,
      ),
      '',
      '"all" divides every command on the connections (fact gathering, which also reads pending handlers, included) by ' +
        'the task results; "in tasks" counts only the round trips of the tasks (probe and apply).',
    ].join('\n');
  } finally {
    await fleet.stop();
  }
}
