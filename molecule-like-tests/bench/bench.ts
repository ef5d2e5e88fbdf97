// `npm run bench [-- --part demo|side-by-side|scale] [--hosts 1,10] [--scale-hosts 1,10,30] [--runs 3]
// [--json FILE]`: Bosun's
// performance on throwaway hosts, as markdown tables on stdout (progress on stderr). See docs/performance.md.
//   demo          no-op re-run of playbooks/demo.ts on 1 and 5 hosts, from the sources and from dist/
//   side-by-side  the security baseline by Ansible and by Bosun on fresh hosts: check, converge, no-op
//   scale         the controller's wall time, peak RSS and round trips on 1, 10, 30 hosts
// Every container it starts is removed at the end, also on failure or Ctrl-C.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { demoPart } from './demo-part.js';
import { isInterrupted, log, machineLoad, onInterrupt } from './measure.js';
import { scale } from './scale.js';
import { sideBySide } from './side-by-side.js';
import { buildDist, createUserRepo } from './user-repo.js';

const parts = ['demo', 'side-by-side', 'scale'] as const;
type Part = (typeof parts)[number];

/** systemd in every container takes inotify instances; Debian's default of 128 runs out at about 30 hosts. */
const inotifyInstancesNeeded = 1024;
const inotifyFile = '/proc/sys/fs/inotify/max_user_instances';

async function ensureInotifyInstances(): Promise<void> {
  const current = Number((await readFile(inotifyFile, 'utf8')).trim());
  if (current >= inotifyInstancesNeeded) return;
  try {
    await writeFile(inotifyFile, String(inotifyInstancesNeeded));
    log(`raised fs.inotify.max_user_instances from ${current} to ${inotifyInstancesNeeded}`);
  } catch {
    throw new Error(
      `fs.inotify.max_user_instances is ${current}: many systemd containers need ${inotifyInstancesNeeded} ` +
        `(hosts fail to boot otherwise). As root: sysctl -w fs.inotify.max_user_instances=${inotifyInstancesNeeded}`,
    );
  }
}

const counts = (text: string) =>
  text.split(',').map((value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--hosts: '${value}' is not a host count`);
    return n;
  });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      part: { type: 'string', multiple: true },
      hosts: { type: 'string' },
      'scale-hosts': { type: 'string' },
      runs: { type: 'string', default: '3' },
      json: { type: 'string' },
    },
  });
  const chosen = (values.part ?? [...parts]).flatMap((value) => value.split(','));
  for (const part of chosen)
    if (!(parts as readonly string[]).includes(part))
      throw new Error(`--part ${part}: one of ${parts.join(', ')}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: a count of 1 or more`);
  onInterrupt();
  await ensureInotifyInstances();
  log('Building the bosun bin (dist/)...');
  buildDist();
  const repo = await createUserRepo();
  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    runs,
    loadBefore: machineLoad(),
  };
  const sections: string[] = [];
  try {
    for (const part of chosen as Part[]) {
      const loadBefore = machineLoad();
      if (part === 'demo') {
        const table = await demoPart({ runs });
        report.demo = { table };
        sections.push(`### demo\n\n${table}`);
      } else if (part === 'side-by-side') {
        const hostCounts = values.hosts ? counts(values.hosts) : [1, 10];
        const result = await sideBySide({ hostCounts, runs, repo });
        report.sideBySide = { hostCounts, ...result };
        const differences = Object.entries(result.differences).flatMap(([hosts, lines]) =>
          lines.map((line) => `- ${hosts} host(s): ${line}`),
        );
        sections.push(
          `### side-by-side: security baseline, Ansible and Bosun\n\n${result.table}\n\n` +
            `Differences in host state after converge (Ansible host vs Bosun host): ${differences.length === 0 ? 'none' : `\n\n${differences.join('\n')}`}`,
        );
      } else {
        const hostCounts = values['scale-hosts'] ? counts(values['scale-hosts']) : [1, 10, 30];
        const result = await scale({ hostCounts, runs, repo });
        report.scale = { hostCounts, ...result };
        sections.push(`### scale: no-op re-run of a small playbook\n\n${result.table}`);
      }
      sections.push(`Machine load (1/5/15 min) before: ${loadBefore}, after: ${machineLoad()}`);
      // Each part's tables as soon as it is done; the JSON file too.
      process.stdout.write(`\n${sections.splice(0).join('\n\n')}\n`);
      if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2));
    }
  } finally {
    await repo.remove();
  }
  report.loadAfter = machineLoad();
  if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2));
}

await main().catch((error: Error) => {
  process.stderr.write(`${isInterrupted() ? 'interrupted' : `bench failed: ${error.message}`}\n`);
  process.exitCode = isInterrupted() ? 130 : 1;
});
