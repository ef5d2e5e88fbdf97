import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrapCommand } from './command-wrapper.js';

/**
 * The wrapped commands really run under /bin/sh. `rm` and `sudo` on the PATH are fakes: if quoting ever
 * broke, the fake `rm` would leave a canary file instead of deleting anything.
 */
describe('wrapCommand', function () {
  this.timeout(10_000);
  let dir: string;
  let bin: string;
  let canary: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-wrap-test-'));
    bin = join(dir, 'bin');
    canary = join(dir, 'rm-was-run');
    await mkdir(bin);
    await writeFile(join(bin, 'rm'), `#!/bin/sh\ntouch '${canary}'\n`);
    // Records its arguments and its password line, then runs what follows `--`, as sudo does.
    await writeFile(
      join(bin, 'sudo'),
      [
        '#!/bin/sh',
        `printf '%s\\n' "$*" > '${dir}/sudo-args'`,
        `case " $* " in *" -S "*) IFS= read -r pw; printf '%s' "$pw" > '${dir}/sudo-password';; esac`,
        'while [ "$1" != "--" ]; do shift; done',
        'shift',
        'exec "$@"',
      ].join('\n'),
    );
    await chmod(join(bin, 'rm'), 0o755);
    await chmod(join(bin, 'sudo'), 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  function run(command: string, stdin = ''): string {
    return execFileSync('/bin/sh', ['-c', command], {
      input: stdin,
      encoding: 'utf8',
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
  }

  const hostile = [
    '; rm -rf /',
    '$(rm -rf /)',
    '`rm -rf /`',
    "'; rm -rf / '",
    '"; rm -rf /; "',
    'a\nrm -rf /',
    '* $HOME && rm -rf / || rm -rf /',
    "a'; rm -rf / #",
  ];

  for (const value of hostile) {
    it(`keeps ${JSON.stringify(value)} one literal value in env and cwd`, async () => {
      const cwd = join(dir, value.replaceAll('/', '_'));
      await mkdir(cwd, { recursive: true });
      const wrapped = wrapCommand('printf "%s|%s" "$V" "$PWD"', { cwd, env: { V: value } });
      assert.equal(wrapped.stdinPrefix, undefined);
      assert.equal(run(wrapped.command), `${value}|${cwd}`);
      assert.equal(existsSync(canary), false, 'a value was run as a command');
    });

    it(`keeps ${JSON.stringify(value)} literal through sudo`, () => {
      const wrapped = wrapCommand('printf "%s" "$V"', { env: { V: value }, become: true });
      assert.equal(run(wrapped.command), value);
      assert.equal(existsSync(canary), false, 'a value was run as a command');
    });
  }

  it('wraps become without a password in sudo -n, and with one in sudo -k -S, password first on stdin', async () => {
    const plain = wrapCommand('id', { become: true });
    assert.equal(plain.stdinPrefix, undefined);
    run(plain.command);
    assert.equal((await readFile(join(dir, 'sudo-args'), 'utf8')).trim(), '-n -H -- sh -c id');

    const secret = "pa ss'; rm -rf /";
    const withPassword = wrapCommand('cat', { become: true, becomePassword: secret });
    assert.equal(withPassword.stdinPrefix, `${secret}\n`);
    assert.ok(!withPassword.command.includes(secret), 'the password is never part of the command line');
    const output = run(withPassword.command, `${withPassword.stdinPrefix}the command's own input`);
    assert.equal(output, "the command's own input");
    assert.equal(await readFile(join(dir, 'sudo-password'), 'utf8'), secret);
    assert.match(await readFile(join(dir, 'sudo-args'), 'utf8'), /^-k -S -p {2}-H -- sh -c cat$/m);
    assert.equal(existsSync(canary), false);
  });

  it('makes the host stop the command and its children at the timeout, inside sudo', async () => {
    // 3 s of work against a 0.2 s timeout: room for a loaded machine on either side of the 2 s bound.
    const wrapped = wrapCommand(`(sleep 3; touch '${dir}/child-went-on') & sleep 3; touch '${dir}/went-on'`, {
      timeoutMs: 200,
      become: true,
    });
    assert.match(wrapped.command, /^sudo -n -H -- sh -c 'timeout -k 2 0\.2 sh -c /);
    const started = Date.now();
    assert.throws(
      () => run(wrapped.command),
      (error: { status?: number }) => error.status === 124,
    );
    assert.ok(Date.now() - started < 2_000);
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    assert.equal(existsSync(join(dir, 'went-on')) || existsSync(join(dir, 'child-went-on')), false);
  });

  it('passes the command itself through unquoted', () => {
    assert.equal(run(wrapCommand('echo a | tr a b', {}).command), 'b\n');
  });

  it('refuses an environment variable name that is not a shell name', () => {
    assert.throws(
      () => wrapCommand('true', { env: { 'X;rm -rf /': '1' } }),
      /invalid environment variable name/,
    );
  });

  it('stops when the working directory is missing, even for a command of several lines', () => {
    const marker = join(dir, 'ran-anyway');
    const { command } = wrapCommand(`echo one\ntouch '${marker}'`, {
      cwd: join(dir, 'missing'),
      env: { A: 'b' },
    });
    assert.throws(() => execFileSync('/bin/sh', ['-c', command], { stdio: 'pipe' }));
    assert.equal(existsSync(marker), false);
  });
});
