import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBosun } from '../testing/run-bosun.js';

/** Numeric options are checked before anything runs: a bad value exits 5 and says what is accepted. */
describe('CLI numeric options', function () {
  this.timeout(120_000);
  let dir: string;
  let inventory: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-options-'));
    inventory = join(dir, 'hosts.yml');
    await writeFile(inventory, 'all:\n  hosts:\n    ghost: { bosun_host: 127.0.0.1, bosun_port: 1 }\n');
    await writeFile(
      join(dir, 'serial.mjs'),
      `export default { name: 'p', plays: [{ name: 'rolling update', hosts: 'all', serial: '0%', tasks: () => [] }] };\n`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [args, message] of [
    [
      ['run', 'site.ts', '--forks', '0'],
      /option '-f, --forks <n>' argument '0' is invalid\. expected a whole number of 1 or more/,
    ],
    [
      ['run', 'site.ts', '--forks', 'abc'],
      /option '-f, --forks <n>' argument 'abc' is invalid\. expected a whole number/,
    ],
    [
      ['ping', '--forks', '-1'],
      /option '-f, --forks <n>' argument '-1' is invalid\. expected a whole number/,
    ],
    [
      ['run', 'site.ts', '--timeout', '0'],
      /option '--timeout <seconds>' argument '0' is invalid\. expected a number above 0/,
    ],
    [
      ['facts', 'ghost', '--timeout', 'abc'],
      /option '--timeout <seconds>' argument 'abc' is invalid\. expected a number above 0/,
    ],
  ] as const) {
    it(`bosun ${args.join(' ')} exits 5`, async () => {
      const result = await runBosun([...args, '-i', inventory]);
      assert.equal(result.code, 5, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    });
  }

  it("a play's invalid serial exits 5 naming the play, before connecting to any host", async () => {
    const result = await runBosun(['run', join(dir, 'serial.mjs'), '-i', inventory]);
    assert.equal(result.code, 5, result.stderr);
    assert.match(
      result.stderr,
      /error \[PLAY_SERIAL_INVALID\]: play "rolling update": serial '0%' is not accepted/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /unreachable/);
  });
});
