import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { $ } from 'zx';
import type { JsonReport } from '../../lib/output/index.js';
import {
  comparePrediction,
  diffFingerprints,
  fingerprintHost,
  runBosun,
  scenario,
  type ScenarioContext,
} from '../../lib/testing/index.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const tiny = fixture('tiny-playbook.ts');
const changedTasks = (report: JsonReport) =>
  report.tasks.filter((result) => result.status === 'changed').map((result) => result.task);

// The scenario API proving itself: create, check on a fresh host writes nothing, converge, check predicted
// converge, idempotence, then the verify below, and destroy.
scenario({
  name: 'harness: a file, a package and a service',
  playbook: tiny,
  hosts: [{ name: 'harness-1', groups: ['harness'], vars: { greeting: 'hello' } }],
  verify: async (ctx: ScenarioContext) => {
    const host = ctx.host();
    assert.equal((await host.exec('cat /etc/bosun-harness.conf')).output, 'greeting=hello\n');
    assert.equal((await host.exec('stat -c %a /etc/bosun-harness.conf')).output.trim(), '644');
    assert.equal(
      (await host.exec('systemctl is-active cron; systemctl is-enabled cron')).output,
      'active\nenabled\n',
    );

    // On the fresh host, check said every task would change; it names the conditional prediction honestly.
    const check = ctx.runs.check!;
    assert.deepEqual(
      check.result.tasks.map((result) => [result.task, result.status]),
      [
        ['config file', 'changed'],
        ['cron installed', 'changed'],
        ['cron runs now and at boot', 'changed'],
      ],
    );
    assert.match(check.output, /CHECK MODE/);
    assert.match(check.output, /\+greeting=hello/, 'the check run printed the diff of the new file');
    const { conditional } = comparePrediction(check.result, ctx.runs.converge!.result);
    assert.deepEqual(conditional, ['harness-1 | tiny | cron runs now and at boot']);

    // Drift: check through the real CLI finds exactly the drift, exits 6 and still writes nothing;
    // the fingerprint does see the real run that repairs it.
    await host.exec('chmod 600 /etc/bosun-harness.conf && systemctl stop cron');
    const drifted = await fingerprintHost(host);
    const cli = await runBosun([
      'run',
      tiny,
      '-i',
      ctx.fleet.inventoryFile,
      '--known-hosts-file',
      ctx.fleet.knownHostsFile,
      '--check',
      '--detailed-exitcode',
      '--json',
    ]);
    assert.equal(cli.code, 6, cli.stderr);
    assert.deepEqual(changedTasks(JSON.parse(cli.stdout) as JsonReport), [
      'config file',
      'cron runs now and at boot',
    ]);
    assert.deepEqual(diffFingerprints(drifted, await fingerprintHost(host)), []);

    const repair = await ctx.run();
    assert.deepEqual(
      repair.result.tasks.filter((result) => result.status === 'changed').map((result) => result.task),
      ['config file', 'cron runs now and at boot'],
    );
    const repaired = diffFingerprints(drifted, await fingerprintHost(host));
    assert.ok(
      repaired.some((line) => /^file \/etc\/bosun-harness\.conf: f 600 .* → f 644 /.test(line)),
      repaired.join('\n'),
    );
    assert.ok(
      repaired.includes('unit cron.service: loaded inactive dead → loaded active running'),
      repaired.join('\n'),
    );
  },
});

describe('scenario steps when one fails', function () {
  this.timeout(15 * 60_000);

  it('skips the steps after a failed converge and still removes the host', async () => {
    const name = `harness-fail-${Date.now().toString(36)}`;
    const run = await mocha(fixture('failing-scenario.fixture.ts'), { BOSUN_FIXTURE_HOST: name });
    // Quoted, so that the child's summary lines are not read as this run's by .ci/run.
    const shown = run.output.replace(/^/gm, '| ');
    assert.equal(run.code, 1, shown);
    assert.match(run.output, /✔ create: start the hosts/, shown);
    assert.match(run.output, /✔ check on a fresh host: runs without failure and writes nothing/, shown);
    assert.match(run.output, /^ {2}2 passing/m, shown);
    assert.match(run.output, /^ {2}1 failing/m, shown);
    assert.match(run.output, /^ {2}3 pending/m, `prediction, idempotence and verify are skipped\n${shown}`);
    assert.match(run.output, /converge: host harness-fail-\w+ failed at a failing command/, shown);
    const left = await $({ quiet: true })`docker ps -a --filter ${`name=^/${name}-`} --format {{.Names}}`;
    assert.equal(left.stdout.trim(), '', 'the destroy hook removed the container');
  });

  it('runBosun reports the CLI exit code and its error output', async () => {
    const run = await runBosun(['run', tiny, '-i', '/nonexistent/inventory.yml']);
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /INVENTORY_NOT_FOUND.*\/nonexistent\/inventory\.yml/);
    assert.equal(run.stdout, '');
  });
});

/** Runs mocha on one file in a process of its own, as `npm test` would, with extra environment. */
function mocha(file: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const bin = join(import.meta.dirname, '../../node_modules/mocha/bin/mocha.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--reporter', 'spec', '--no-color', file], {
      cwd: join(import.meta.dirname, '../..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
