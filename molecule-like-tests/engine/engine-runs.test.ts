import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { runBosun } from '../../lib/testing/index.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const TOKEN = 'tok-7f3a9c1e5b2d';

/** Engine behaviour through the real CLI against two throwaway hosts. */
describe('engine runs on throwaway hosts', function () {
  this.timeout(300_000);
  let hosts: ThrowawayHost[] = [];
  let dir: string;
  let knownHosts: string;

  const inventory = async (name: string, entries: Record<string, Record<string, unknown>>) => {
    const path = join(dir, `${name}.yml`);
    await writeFile(path, stringify({ all: { hosts: entries } }));
    return path;
  };
  const entry = (host: ThrowawayHost, vars: Record<string, unknown> = {}) => ({
    ...host.inventoryEntry(),
    ...vars,
  });
  const bosun = (args: string[], env: Record<string, string> = {}) =>
    runBosun([...args, '--known-hosts-file', knownHosts], { env });

  before(async () => {
    hosts = await Promise.all([
      ThrowawayHost.start({ name: 'engine-a' }),
      ThrowawayHost.start({ name: 'engine-b' }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'bosun-engine-'));
    knownHosts = join(dir, 'known_hosts');
    await writeFile(
      knownHosts,
      (await Promise.all(hosts.map((h) => readFile(h.knownHostsFile, 'utf8')))).join(''),
    );
  });
  after(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finishes the reachable hosts, exits 3 and names the unreachable one in the recap', async () => {
    const inv = await inventory('unreachable', {
      'engine-a': entry(hosts[0], { content: 'a' }),
      'engine-b': entry(hosts[1], { content: 'b' }),
      ghost: { bosun_host: '127.0.0.1', bosun_port: 1, bosun_user: 'root' },
    });
    const run = await bosun(['run', fixture('handlers-playbook.ts'), '-i', inv, '--json']);
    assert.equal(run.code, 3, run.stderr);
    const report = JSON.parse(run.stdout);
    const ghost = report.hosts.find((h: { host: string }) => h.host === 'ghost');
    assert.equal(ghost.unreachable, true);
    assert.match(ghost.failure.message, /ghost.*127\.0\.0\.1:1/);
    for (const name of ['engine-a', 'engine-b']) {
      const recap = report.hosts.find((h: { host: string }) => h.host === name);
      assert.equal(recap.unreachable, false);
      assert.equal(recap.failed, 0);
      assert.equal(recap.changed, 2, `${name}: config written and handler run`);
    }
    assert.equal((await hosts[1].exec('cat /etc/bosun-handler.conf')).output, 'b\n');
  });

  it('keeps a notified handler pending on the host when a later task fails, and runs it next time', async () => {
    const inv = await inventory('handlers', { 'engine-a': entry(hosts[0]) });
    const failing = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      inv,
      '-e',
      'content=v2 fail=yes',
    ]);
    assert.equal(failing.code, 2, failing.stdout + failing.stderr);
    assert.equal(
      (await hosts[0].exec('cat /var/log/bosun-handler.log')).output,
      'restarted\n',
      "only the first run's handler",
    );

    const fixed = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      inv,
      '-e',
      'content=v2',
      '--json',
    ]);
    assert.equal(fixed.code, 0, fixed.stderr);
    const tasks = JSON.parse(fixed.stdout).tasks as { task: string; status: string; handler?: boolean }[];
    assert.deepEqual(
      tasks.filter((t) => t.status === 'changed').map((t) => [t.task, t.handler ?? false]),
      [['record restart', true]],
    );
    assert.equal((await hosts[0].exec('cat /var/log/bosun-handler.log')).output, 'restarted\nrestarted\n');

    const again = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      inv,
      '-e',
      'content=v2',
      '--json',
    ]);
    assert.equal(JSON.parse(again.stdout).hosts[0].changed, 0);
  });

  it('stops every host of a play with anyErrorsFatal when one fails', async () => {
    const inv = await inventory('fatal', {
      'engine-a': entry(hosts[0], { explode: true }),
      'engine-b': entry(hosts[1]),
    });
    const run = await bosun(['run', fixture('fatal-playbook.ts'), '-i', inv]);
    assert.equal(run.code, 2);
    assert.notEqual(
      (await hosts[1].exec('test -e /etc/bosun-second-task')).code,
      0,
      'engine-b must not go on',
    );
    assert.match(run.stdout, /engine-b/);
  });

  it('fails only the host for which a role cannot build its tasks', async () => {
    const inv = await inventory('broken', {
      'engine-a': entry(hosts[0], { broken: true }),
      'engine-b': entry(hosts[1]),
    });
    const run = await bosun(['run', fixture('broken-role-playbook.ts'), '-i', inv, '--json']);
    assert.equal(run.code, 2, run.stderr);
    const recaps = JSON.parse(run.stdout).hosts as {
      host: string;
      failure?: { task: string; message: string };
    }[];
    const a = recaps.find((h) => h.host === 'engine-a')!;
    assert.equal(a.failure?.task, 'picky: preparing its tasks');
    assert.match(a.failure?.message ?? '', /engine-a has a setting picky cannot use/);
    assert.equal(recaps.find((h) => h.host === 'engine-b')!.failure, undefined);
    assert.equal((await hosts[1].exec('cat /etc/bosun-picky')).output, 'built\n');
    assert.notEqual((await hosts[0].exec('test -e /etc/bosun-picky')).code, 0);
  });

  it('never shows a secret in plain, verbose, diff or JSON output, nor in errors', async () => {
    const inv = await inventory('secret', { 'engine-a': entry(hosts[0]) });
    const env = { BOSUN_TEST_TOKEN: TOKEN };
    const outputs = [
      await bosun(['run', fixture('secret-playbook.ts'), '-i', inv, '--check', '--diff', '-v'], env),
      await bosun(['run', fixture('secret-playbook.ts'), '-i', inv, '--diff', '--json'], env),
      await bosun(['run', fixture('secret-playbook.ts'), '-i', inv, '--diff', '-vv'], env),
    ];
    for (const run of outputs) {
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!(run.stdout + run.stderr).includes(TOKEN), 'the token leaked:\n' + run.stdout + run.stderr);
      assert.match(run.stdout, /\*\*\*/);
    }
    const json = JSON.parse(outputs[1].stdout);
    assert.ok(
      json.tasks.some((t: { diff?: string }) => t.diff?.includes('API_TOKEN=***')),
      'the diff is shown, masked',
    );
    assert.ok(
      json.tasks.some(
        (t: { ignored?: boolean; message?: string }) => t.ignored && /token=\*\*\*/.test(t.message ?? ''),
      ),
    );
    assert.equal(
      (await hosts[0].exec('cat /etc/bosun-secret.env')).output,
      `API_TOKEN=${TOKEN}\n`,
      'the host gets the real value',
    );

    const missing = await bosun(['run', fixture('secret-playbook.ts'), '-i', inv]);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /BOSUN_TEST_TOKEN/);
  });

  it('refuses bad input before touching any host, with distinct exit codes', async () => {
    const typo = await bosun([
      'run',
      fixture('typo-playbook.ts'),
      '-i',
      await inventory('typo', { 'engine-a': entry(hosts[0]) }),
    ]);
    assert.equal(typo.code, 5);
    assert.match(typo.stderr, /role motd, host engine-a: unknown variable 'txet' \(did you mean 'text'\?\)/);
    assert.notEqual((await hosts[0].exec('test -e /etc/bosun-typo-motd')).code, 0);

    const badPort = await inventory('bad-port', { 'engine-a': { ...entry(hosts[0]), bosun_port: 'abc' } });
    const bad = await bosun(['run', fixture('typo-playbook.ts'), '-i', badPort]);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /bad-port\.yml/);
    assert.match(bad.stderr, /bosun_port/);

    const unknownLimit = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      badPort.replace('bad-port', 'handlers'),
      '--limit',
      'nosuchgroup',
    ]);
    assert.equal(unknownLimit.code, 5, unknownLimit.stderr);
  });

  it('with --check --detailed-exitcode exits 6 while changes are pending and 0 once converged', async () => {
    const inv = await inventory('detailed', { 'engine-b': entry(hosts[1], { content: 'detailed' }) });
    const pending = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      inv,
      '--check',
      '--detailed-exitcode',
    ]);
    assert.equal(pending.code, 6, pending.stdout + pending.stderr);
    assert.equal((await bosun(['run', fixture('handlers-playbook.ts'), '-i', inv])).code, 0);
    const clean = await bosun([
      'run',
      fixture('handlers-playbook.ts'),
      '-i',
      inv,
      '--check',
      '--detailed-exitcode',
    ]);
    assert.equal(clean.code, 0, clean.stdout);
  });

  it('refuses a host whose key changed, naming the host and the offered fingerprint', async () => {
    const inv = await inventory('rekeyed', { 'engine-b': entry(hosts[1], { content: 'x' }) });
    await hosts[1].exec('rm -f /etc/ssh/ssh_host_* && ssh-keygen -A && systemctl restart ssh');
    const run = await bosun(['run', fixture('handlers-playbook.ts'), '-i', inv]);
    assert.equal(run.code, 3);
    assert.match(
      run.stdout + run.stderr,
      /engine-b .*offered host key (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) SHA256:[A-Za-z0-9+/]{43}, which does NOT match/s,
    );
  });
});
