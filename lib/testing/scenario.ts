import { stepwise } from './stepwise.js';
import { loadPlaybook } from '../engine/load-playbook.js';
import type { Playbook } from '../engine/playbook.js';
import type { RunResult } from '../engine/results.js';
import { diffFingerprints, fingerprintHost, type FingerprintOptions } from './host-fingerprint.js';
import { comparePrediction, taskKey } from './prediction.js';
import { runInProcess, type CapturedRun, type InProcessRunOptions } from './run-in-process.js';
import { ThrowawayFleet, type FleetHostSpec, type FleetOptions } from './throwaway-fleet.js';
import type { ThrowawayHost } from './throwaway-host.js';

export interface ScenarioOptions extends FleetOptions {
  name: string;
  /** The playbook itself, or the path of a playbook file (loaded as `bosun run` loads it). */
  playbook: Playbook | string;
  /** The throwaway hosts, one container each (2–3 at most on a small machine). */
  hosts: FleetHostSpec[];
  /** `-e` variables for every run. */
  extraVars?: Record<string, unknown>;
  /** What the check step compares on each host. */
  fingerprint?: FingerprintOptions;
  /** Checks the converged hosts: run commands inside them with `ctx.host(name).exec(...)`. */
  verify?: (ctx: ScenarioContext) => Promise<void>;
  /** Per step; default 15 minutes (a first package install downloads from the archive). */
  timeoutMs?: number;
}

/** What a scenario's verify callback (and the steps) can use. */
export interface ScenarioContext {
  fleet: ThrowawayFleet;
  /** A host by name; the first host without a name. */
  host(name?: string): ThrowawayHost;
  /** The runs so far, with their captured output. */
  runs: { check?: CapturedRun; converge?: CapturedRun; idempotence?: CapturedRun };
  /** Runs the scenario's playbook once more, e.g. with other tags or extra variables. */
  run(options?: Omit<InProcessRunOptions, 'inventoryFile' | 'knownHostsFile'>): Promise<CapturedRun>;
}

/**
 * Registers a molecule-like scenario as a mocha `describe` with its steps in order:
 * create → check on a fresh host (writes nothing) → converge → check predicted converge → idempotence
 * → verify, and destroy in an `after` hook, so the hosts are removed whatever failed. A failed step
 * skips the steps after it.
 */
export function scenario(options: ScenarioOptions): void {
  describe(`scenario: ${options.name}`, function () {
    this.timeout(options.timeoutMs ?? 15 * 60_000);
    let fleet: ThrowawayFleet | undefined;
    let playbook: Playbook | undefined;
    const runs: ScenarioContext['runs'] = {};
    const ctx: ScenarioContext = {
      get fleet() {
        if (!fleet) throw new Error('the scenario has no hosts: its create step did not succeed');
        return fleet;
      },
      host: (name) => (name === undefined ? ctx.fleet.hosts[0] : ctx.fleet.host(name)),
      runs,
      run: async (runOptions = {}) => {
        if (!playbook) throw new Error('the scenario has no playbook: its create step did not succeed');
        return runInProcess(playbook, {
          ...runOptions,
          extraVars: { ...options.extraVars, ...runOptions.extraVars },
          inventoryFile: ctx.fleet.inventoryFile,
          knownHostsFile: ctx.fleet.knownHostsFile,
        });
      },
    };
    const step = stepwise();

    step('create: start the hosts, write the inventory and known_hosts', async () => {
      // The playbook first: a broken one fails the step before any container starts.
      playbook =
        typeof options.playbook === 'string' ? await loadPlaybook(options.playbook) : options.playbook;
      fleet = await ThrowawayFleet.start(options.hosts, { groupVars: options.groupVars });
    });

    step('check on a fresh host: runs without failure and writes nothing', async () => {
      const fingerprints = () =>
        Promise.all(ctx.fleet.hosts.map((host) => fingerprintHost(host, options.fingerprint)));
      const before = await fingerprints();
      runs.check = await ctx.run({ check: true, diff: true });
      const after = await fingerprints();
      assertNoHostFailed('check', runs.check);
      const written = ctx.fleet.hosts.flatMap((host, i) =>
        diffFingerprints(before[i], after[i], options.fingerprint).map((line) => `  ${host.name}: ${line}`),
      );
      if (written.length > 0) {
        throw new Error(`--check wrote to the hosts:\n${written.join('\n')}\n\n${tail(runs.check.output)}`);
      }
    });

    step('converge: the real run fails no host', async () => {
      runs.converge = await ctx.run();
      assertNoHostFailed('converge', runs.converge);
    });

    step('check predicted exactly what converge changed', async () => {
      if (!runs.check || !runs.converge) throw new Error('needs the check and converge runs');
      const { missed, unexpected } = comparePrediction(runs.check.result, runs.converge.result);
      const problems = [
        ...missed.map((key) => `  changed, but check did not predict it: ${key}`),
        ...unexpected.map((key) => `  check said it would change, converge did not change it: ${key}`),
      ];
      if (problems.length > 0)
        throw new Error(`the check run mispredicted the converge run:\n${problems.join('\n')}`);
    });

    step('idempotence: a second run changes nothing', async () => {
      runs.idempotence = await ctx.run();
      assertNoHostFailed('idempotence', runs.idempotence);
      const changed = runs.idempotence.result.tasks.filter((result) => result.status === 'changed');
      if (changed.length > 0) {
        const lines = changed.map((result) => `  ${taskKey(result)}: ${result.changes.join('; ')}`);
        throw new Error(`the second run changed ${changed.length} task(s):\n${lines.join('\n')}`);
      }
    });

    if (options.verify) {
      const verify = options.verify;
      step('verify', () => verify(ctx));
    }

    after('destroy: stop and remove the hosts', async () => {
      await fleet?.stop();
    });
  });
}

function assertNoHostFailed(step: string, run: CapturedRun): void {
  const failures = failuresOf(run.result);
  if (failures.length > 0) throw new Error(`${step}: ${failures.join('\n')}\n\n${tail(run.output)}`);
}

function failuresOf(result: RunResult): string[] {
  return result.hosts
    .filter((host) => host.unreachable || host.failure || host.failed > 0)
    .map((host) => {
      const why = host.failure
        ? ` at ${host.failure.task ?? 'connect'}: [${host.failure.code}] ${host.failure.message}`
        : '';
      return `host ${host.host} ${host.unreachable ? 'unreachable' : 'failed'}${why}`;
    });
}

/** The end of a run's output, where the failure and the recap are. */
function tail(output: string, lines = 60): string {
  return output.split('\n').slice(-lines).join('\n');
}
