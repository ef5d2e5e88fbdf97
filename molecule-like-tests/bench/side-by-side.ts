// The side-by-side part: the security baseline by Ansible (ansible/baseline.yml) and by Bosun (a user's
// copy of playbooks/baseline.ts, run with the built bin), each on fresh throwaway hosts of the bench image,
// alternating which tool goes first; per phase (check --diff on the fresh host, converge, no-op re-run) the
// wall time of the tool's command. After both converged, the hosts' state is compared.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { JsonReport } from '../../lib/output/index.js';
import { scenarioInventory } from '../../lib/testing/scenario-inventory.js';
import { testKey } from '../../lib/testing/test-key.js';
import { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';
import { ensureBenchImage } from './bench-image.js';
import { contentDiff, diffHostStates, fingerprintDiff, readHostState, type HostState } from './host-state.js';
import {
  checkInterrupted,
  log,
  markdownTable,
  runTimed,
  secondsRange,
  summarize,
  type Summary,
} from './measure.js';
import { root, type UserRepo } from './user-repo.js';

const ansibleDir = `${root}molecule-like-tests/bench/ansible/`;
export const phases = ['check --diff (fresh host)', 'converge', 'no-op re-run'] as const;
type Phase = (typeof phases)[number];
type Tool = 'ansible' | 'bosun';

export interface PhaseResult {
  tool: Tool;
  hosts: number;
  phase: Phase;
  run: number;
  wallMs: number;
  /** Tasks reported changed (would change, in check mode), summed over the hosts. */
  changed: number;
}

export interface SideBySideResult {
  runs: PhaseResult[];
  /** Per host count: the differences between the host state after Ansible's and after Bosun's converge. */
  differences: Record<string, string[]>;
  table: string;
}

interface ToolFleet {
  fleet: ThrowawayFleet;
  inventoryFile: string;
}

/** Ansible's PLAY RECAP: changed, failed and unreachable summed over the hosts. */
export function parseRecap(stdout: string): {
  changed: number;
  failed: number;
  unreachable: number;
  hosts: number;
} {
  const recap = stdout.slice(stdout.lastIndexOf('PLAY RECAP'));
  const totals = { changed: 0, failed: 0, unreachable: 0, hosts: 0 };
  for (const match of recap.matchAll(/changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/g)) {
    totals.changed += Number(match[1]);
    totals.unreachable += Number(match[2]);
    totals.failed += Number(match[3]);
    totals.hosts += 1;
  }
  return totals;
}

async function runPhase(
  tool: Tool,
  phase: Phase,
  target: ToolFleet,
  repo: UserRepo,
  controlDir: string,
): Promise<{ wallMs: number; changed: number }> {
  const hosts = target.fleet.hosts.length;
  const check = phase === phases[0] ? ['--check', '--diff'] : [];
  if (tool === 'ansible') {
    const run = await runTimed(
      'ansible-playbook',
      ['-i', target.inventoryFile, '-f', String(hosts), ...check, `${ansibleDir}baseline.yml`],
      {
        env: {
          ANSIBLE_CONFIG: `${ansibleDir}ansible.cfg`,
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
        },
      },
    );
    const recap = parseRecap(run.stdout);
    if (run.code !== 0 || recap.failed > 0 || recap.unreachable > 0 || recap.hosts !== hosts)
      throw new Error(
        `ansible ${phase}: exit ${run.code}\n${run.stdout.slice(-6000)}\n${run.stderr.slice(-2000)}`,
      );
    return { wallMs: run.wallMs, changed: recap.changed };
  }
  const args = ['run', repo.playbook('baseline'), '-i', target.inventoryFile, '--known-hosts-file'];
  const run = await runTimed(
    repo.cli.command,
    [...repo.cli.args, ...args, target.fleet.knownHostsFile, '--json', '--forks', String(hosts), ...check],
    { cwd: repo.dir },
  );
  if (run.code !== 0)
    throw new Error(`bosun ${phase}: exit ${run.code}\n${run.stderr}\n${run.stdout.slice(-6000)}`);
  const report = JSON.parse(run.stdout) as JsonReport;
  return { wallMs: run.wallMs, changed: report.hosts.reduce((sum, host) => sum + host.changed, 0) };
}

async function startToolFleet(tool: Tool, hosts: number, image: string, dir: string): Promise<ToolFleet> {
  const names = Array.from({ length: hosts }, (_, i) => `${tool}-${i + 1}`);
  const fleet = await ThrowawayFleet.start(
    names.map((name) => ({
      name,
      groups: ['vps'],
      options: { imageTag: image, writableNetworkSysctls: true },
    })),
  );
  try {
    // The control machine's address as the hosts see it: an admin network (allowed before ufw's limit).
    const gateway = (await fleet.hosts[0].exec("ip route | awk '/^default/ { print $3 }'")).output.trim();
    const vars = {
      admin_user: 'admin',
      admin_authorized_keys: [testKey().publicKey],
      admin_networks: [`${gateway}/32`],
      ssh_port: 22,
    };
    const entry = (host: (typeof fleet.hosts)[number]) =>
      tool === 'bosun'
        ? host.inventoryEntry()
        : {
            ansible_host: host.address,
            ansible_port: host.port,
            ansible_user: host.user,
            ansible_ssh_private_key_file: host.privateKeyFile,
            ansible_ssh_common_args: `-o UserKnownHostsFile=${fleet.knownHostsFile}`,
          };
    const inventory = scenarioInventory(
      fleet.hosts.map((host) => ({ name: host.name, groups: ['vps'], entry: entry(host) })),
      { vps: vars },
    );
    const inventoryFile = join(dir, `${tool}-inventory.yml`);
    await writeFile(inventoryFile, stringify(inventory));
    return { fleet, inventoryFile };
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

/** Files the two playbooks write from the same text: compared without their comments. */
const sameTextFiles = [
  '/etc/sudoers.d/90-bosun-nopasswd',
  '/etc/apt/apt.conf.d/20auto-upgrades',
  '/etc/apt/apt.conf.d/52bosun-unattended-upgrades',
  '/etc/ssh/sshd_config.d/00-bosun-hardening.conf',
  '/etc/fail2ban/jail.d/00-bosun.local',
];

async function compareHosts(
  ansible: ToolFleet,
  bosun: ToolFleet,
  states: Record<Tool, HostState>,
  files: boolean,
) {
  const differences = diffHostStates(states.ansible, states.bosun);
  if (!files) return differences;
  const [a, b] = [ansible.fleet.hosts[0], bosun.fleet.hosts[0]];
  const textDiffers = new Set(await contentDiff(a, b, sameTextFiles));
  for (const line of await fingerprintDiff(a, b)) {
    const path = line.replace(/^file /, '').split(': ')[0];
    if (sameTextFiles.includes(path) && !textDiffers.has(path)) continue; // only the "Managed by" comment
    differences.push(`files: ${line}`);
  }
  return differences;
}

export async function sideBySide(options: {
  hostCounts: number[];
  runs: number;
  repo: UserRepo;
}): Promise<SideBySideResult> {
  const image = await ensureBenchImage();
  const results: PhaseResult[] = [];
  const differences: Record<string, string[]> = {};
  for (const hosts of options.hostCounts) {
    const seen = new Set<string>();
    for (let run = 1; run <= options.runs; run += 1) {
      checkInterrupted();
      const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-sbs-'));
      log(`side-by-side, ${hosts} host(s), run ${run}/${options.runs}: starting ${2 * hosts} fresh hosts...`);
      // One after the other: 20 systemd containers booting at once on 2 cores miss the port wait.
      const fleets: PromiseSettledResult<ToolFleet>[] = [];
      for (const tool of ['ansible', 'bosun'] as const) {
        if (fleets.some((f) => f.status === 'rejected')) break;
        fleets.push(
          await startToolFleet(tool, hosts, image, dir).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
      try {
        const [ansible, bosun] = fleets.map((f) => {
          if (f.status === 'rejected') throw f.reason;
          return f.value;
        });
        const order: Tool[] = run % 2 === 1 ? ['ansible', 'bosun'] : ['bosun', 'ansible'];
        const states = {} as Record<Tool, HostState>;
        for (const tool of order) {
          const target = tool === 'ansible' ? ansible : bosun;
          for (const phase of phases) {
            checkInterrupted();
            const measured = await runPhase(tool, phase, target, options.repo, dir);
            results.push({ tool, hosts, phase, run, ...measured });
            log(`  ${tool} ${phase}: ${(measured.wallMs / 1000).toFixed(2)} s, ${measured.changed} changed`);
            if (phase === 'converge') states[tool] = await readHostState(target.fleet.hosts[0]);
            if (phase === 'no-op re-run' && measured.changed > 0)
              log(`  WARNING: ${tool}'s no-op re-run changed ${measured.changed} task(s)`);
          }
        }
        for (const line of await compareHosts(ansible, bosun, states, run === 1)) seen.add(line);
      } finally {
        await Promise.allSettled(
          fleets.map((f) => (f.status === 'fulfilled' ? f.value.fleet.stop() : undefined)),
        );
        await rm(dir, { recursive: true, force: true });
      }
    }
    differences[String(hosts)] = [...seen];
    for (const line of seen) log(`  difference (${hosts} host(s)): ${line}`);
  }
  return { runs: results, differences, table: sideBySideTable(results, options.hostCounts) };
}

function summaryOf(results: PhaseResult[], tool: Tool, hosts: number, phase: Phase): Summary {
  return summarize(
    results.filter((r) => r.tool === tool && r.hosts === hosts && r.phase === phase).map((r) => r.wallMs),
  );
}

export function sideBySideTable(results: PhaseResult[], hostCounts: number[]): string {
  const rows = hostCounts.flatMap((hosts) =>
    phases.map((phase) => {
      const [a, b] = [summaryOf(results, 'ansible', hosts, phase), summaryOf(results, 'bosun', hosts, phase)];
      const changed = (tool: Tool) =>
        [
          ...new Set(
            results
              .filter((r) => r.tool === tool && r.hosts === hosts && r.phase === phase)
              .map((r) => r.changed),
          ),
        ].join('/');
      return [
        hosts,
        phase,
        secondsRange(a),
        secondsRange(b),
        (a.median / b.median).toFixed(2),
        `${changed('ansible')} / ${changed('bosun')}`,
        a.n,
      ];
    }),
  );
  return markdownTable(
    [
      'hosts',
      'phase',
      'Ansible s median (min–max)',
      'Bosun s median (min–max)',
      'Ansible / Bosun',
      'changed (Ansible / Bosun)',
      'runs',
    ],
    rows,
  );
}
