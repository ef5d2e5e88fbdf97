// The scale part: what the controller costs as hosts grow. Plain throwaway hosts (systemd and sshd, the
// default image) converged once with a small playbook; then its no-op re-run on 1, 10, 30 of them at once:
// wall time, peak RSS of the bosun process, SSH round trips and connections per host.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { JsonReport } from '../../lib/output/index.js';
import { scenarioInventory } from '../../lib/testing/scenario-inventory.js';
import { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';
import {
  checkInterrupted,
  log,
  markdownTable,
  runTimed,
  seconds,
  secondsRange,
  summarize,
} from './measure.js';
import type { UserRepo } from './user-repo.js';

const startBatch = 10;

export interface ScaleRun {
  hosts: number;
  run: number;
  wallMs: number;
  engineMs: number;
  maxRssKiB: number;
  commandsPerHost: number;
  connectionsPerHost: number;
  tasks: number;
}

export interface ScaleResult {
  runs: ScaleRun[];
  table: string;
}

export async function scale(options: {
  hostCounts: number[];
  runs: number;
  repo: UserRepo;
}): Promise<ScaleResult> {
  const most = Math.max(...options.hostCounts);
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-scale-'));
  // In batches: 30 systemd containers booting at once on 2 cores miss the port wait.
  const fleets: ThrowawayFleet[] = [];
  try {
    for (let first = 0; first < most; first += startBatch) {
      checkInterrupted();
      const size = Math.min(startBatch, most - first);
      log(`scale: starting hosts ${first + 1}-${first + size} of ${most}...`);
      const names = Array.from({ length: size }, (_, i) => ({ name: `scale-${first + i + 1}` }));
      fleets.push(await ThrowawayFleet.start(names));
    }
    const hostsOfAll = fleets.flatMap((fleet) => fleet.hosts);
    const knownHostsFile = join(dir, 'known_hosts');
    const keys = await Promise.all(fleets.map((fleet) => readFile(fleet.knownHostsFile, 'utf8')));
    await writeFile(knownHostsFile, keys.join(''));
    const inventoryOf = async (hosts: number) => {
      const file = join(dir, `inventory-${hosts}.yml`);
      const specs = hostsOfAll
        .slice(0, hosts)
        .map((host) => ({ name: host.name, entry: host.inventoryEntry() }));
      await writeFile(file, stringify(scenarioInventory(specs)));
      return file;
    };
    const bosun = async (inventoryFile: string, hosts: number) => {
      const args = ['run', options.repo.playbook('scale'), '-i', inventoryFile, '--known-hosts-file'];
      const run = await runTimed(
        options.repo.cli.command,
        [...options.repo.cli.args, ...args, knownHostsFile, '--json', '--forks', String(hosts)],
        { cwd: options.repo.dir },
      );
      if (run.code !== 0)
        throw new Error(`bosun exited ${run.code}:\n${run.stderr}\n${run.stdout.slice(-4000)}`);
      return { run, report: JSON.parse(run.stdout) as JsonReport };
    };
    log(`scale: converging the ${most} hosts once...`);
    await bosun(await inventoryOf(most), most);
    const runs: ScaleRun[] = [];
    for (const hosts of options.hostCounts) {
      const inventoryFile = await inventoryOf(hosts);
      for (let run = 1; run <= options.runs; run += 1) {
        checkInterrupted();
        const { run: timed, report } = await bosun(inventoryFile, hosts);
        const changed = report.hosts.reduce((sum, host) => sum + host.changed, 0);
        if (changed > 0)
          throw new Error(`scale: the no-op re-run on ${hosts} hosts changed ${changed} task(s)`);
        const sum = (pick: (host: JsonReport['hosts'][number]) => number) =>
          report.hosts.reduce((total, host) => total + pick(host), 0);
        runs.push({
          hosts,
          run,
          wallMs: timed.wallMs,
          engineMs: report.durationMs,
          maxRssKiB: timed.maxRssKiB,
          commandsPerHost: sum((host) => host.counters.commands) / hosts,
          connectionsPerHost: sum((host) => host.counters.connectionsOpened) / hosts,
          tasks: report.tasks.length / hosts,
        });
        log(
          `  ${hosts} host(s), run ${run}: ${seconds(timed.wallMs)} s, peak RSS ${(timed.maxRssKiB / 1024).toFixed(0)} MiB`,
        );
      }
    }
    return { runs, table: scaleTable(runs, options.hostCounts) };
  } finally {
    await Promise.allSettled(fleets.map((fleet) => fleet.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

export function scaleTable(runs: ScaleRun[], hostCounts: number[]): string {
  const mib = (kib: number) => (kib / 1024).toFixed(0);
  const rows = hostCounts.map((hosts) => {
    const own = runs.filter((r) => r.hosts === hosts);
    const rss = summarize(own.map((r) => r.maxRssKiB));
    const wall = summarize(own.map((r) => r.wallMs));
    return [
      hosts,
      secondsRange(wall),
      seconds(summarize(own.map((r) => r.engineMs)).median),
      `${mib(rss.median)} (${mib(rss.min)}–${mib(rss.max)})`,
      own[0].tasks,
      own[0].commandsPerHost.toFixed(1),
      own[0].connectionsPerHost.toFixed(1),
      own.length,
    ];
  });
  return markdownTable(
    [
      'hosts',
      'wall s median (min–max)',
      'engine s median',
      'peak RSS MiB median (min–max)',
      'tasks per host',
      'SSH round trips per host',
      'SSH connections per host',
      'runs',
    ],
    rows,
  );
}
