import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, OptionsError } from '../errors.js';
import type { Play } from './playbook.js';
import type { Reporter } from './results.js';
import { runFromFiles, type RunFromFilesOptions } from './run-from-files.js';

/** A reporter that records which events it received. */
function recordingReporter(): Reporter & { events: string[] } {
  const events: string[] = [];
  const record = (name: string) => () => void events.push(name);
  return {
    events,
    runStarted: record('runStarted'),
    playStarted: record('playStarted'),
    taskStarted: record('taskStarted'),
    taskFinished: record('taskFinished'),
    hostFinished: record('hostFinished'),
    warn: record('warn'),
    runFinished: async () => void events.push('runFinished'),
  };
}

describe('runFromFiles', function () {
  this.timeout(30_000);
  let dir: string;
  let inventoryFile: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-run-from-files-'));
    inventoryFile = join(dir, 'hosts.yml');
    // Nothing listens on port 1: a run that gets as far as connecting finds the host unreachable.
    await writeFile(
      inventoryFile,
      'all:\n  hosts:\n    ghost: { bosun_host: 127.0.0.1, bosun_port: 1, bosun_user: root }\n',
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const play = (name: string, serial?: unknown): Play => ({
    name,
    hosts: 'all',
    serial: serial as Play['serial'],
    tasks: () => [],
  });
  const run = (plays: Play[], options: Partial<RunFromFilesOptions> = {}) => {
    const reporter = recordingReporter();
    const result = runFromFiles({
      playbook: { name: 'serial', plays },
      inventory: [inventoryFile],
      connection: { knownHostsPolicy: 'strict', knownHostsFile: join(dir, 'known_hosts') },
      reporter: () => reporter,
      ...options,
    });
    return { reporter, result };
  };

  for (const serial of [0, -2, 1.5, Number.NaN, '0', 'abc', '%', '0%', '101%', '30 %', '-10%', 'x30%', '']) {
    it(`refuses serial ${typeof serial === 'string' ? `'${serial}'` : serial} with exit 5, naming the play, before anything runs`, async () => {
      const { reporter, result } = run([play('first', 1), play('rolling update', serial)]);
      await assert.rejects(result, (error: Error) => {
        assert.ok(error instanceof OptionsError, error.stack);
        assert.equal(error.exitCode, ExitCode.badOptions);
        assert.equal(error.code, 'PLAY_SERIAL_INVALID');
        assert.match(error.message, /play "rolling update": serial .* is not accepted/);
        assert.match(error.message, /whole number of hosts of 1 or more .* percentage/);
        return true;
      });
      assert.deepEqual(reporter.events, [], 'no play started');
    });
  }

  it('accepts a count, a count as text and a percentage of 100% or less', async () => {
    const valid = [1, 3, '2', '30%', '12.5%', '100%'].map((serial, i) => play(`play ${i}`, serial));
    const { result } = run(valid);
    const { hosts } = await result;
    assert.equal(hosts[0].unreachable, true);
  });

  for (const [name, options, message] of [
    ['forks 0', { forks: 0 }, /forks must be a whole number of 1 or more, got 0/],
    ['forks 2.5', { forks: 2.5 }, /forks must be a whole number of 1 or more, got 2.5/],
    ['forks NaN', { forks: Number.NaN }, /forks must be a whole number of 1 or more, got NaN/],
    [
      'a negative connect timeout',
      { connection: { connectTimeoutMs: -1000 } },
      /connect timeout \(ms\) must be a number above 0, got -1000/,
    ],
  ] as const) {
    it(`refuses ${name} before reading any file`, async () => {
      const { result } = run([play('only')], { ...options, inventory: [join(dir, 'missing.yml')] });
      await assert.rejects(result, (error: Error) => {
        assert.ok(error instanceof OptionsError, error.stack);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
