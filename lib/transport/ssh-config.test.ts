import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { OptionsError } from '../errors.js';
import { SshConfig } from './ssh-config.js';

describe('SshConfig', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-ssh-config-test-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  async function config(text: string): Promise<SshConfig> {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
    await writeFile(file, text);
    return SshConfig.load(file);
  }

  it('maps the keys Bosun uses, first value wins, case-insensitive', async () => {
    const ssh = await config(`
Host web*
  hostname 10.0.0.%h
  PORT 2222
  User deploy
  IdentityFile ~/.ssh/web_key
  IdentityFile /keys/%r@%h:%p
  ProxyJump admin@bastion:2200
  UserKnownHostsFile ~/.ssh/known_web /etc/ssh/other
  StrictHostKeyChecking accept-new
  ConnectTimeout 7
  ServerAliveInterval 20

Host *
  User nobody
  Port 22
  StrictHostKeyChecking yes
`);
    assert.deepEqual(ssh.lookup('web1'), {
      hostName: '10.0.0.web1',
      user: 'deploy',
      port: 2222,
      identityFiles: [join(homedir(), '.ssh/web_key'), '/keys/deploy@10.0.0.web1:2222'],
      proxyJump: 'admin@bastion:2200',
      knownHostsFile: join(homedir(), '.ssh/known_web'),
      knownHostsPolicy: 'accept-new',
      connectTimeoutMs: 7_000,
      keepaliveIntervalMs: 20_000,
    });
  });

  it('expands %r and %p to the values the inventory fixed', async () => {
    const ssh = await config('Host *\n  IdentityFile /keys/%r-%p-%u-%n-%%\n');
    assert.deepEqual(ssh.lookup('db', { user: 'ops', port: 2022 }).identityFiles, [
      `/keys/ops-2022-${userInfo().username}-db-%`,
    ]);
  });

  it('leaves unset keys undefined', async () => {
    const ssh = await config('Host other\n  User x\n');
    assert.deepEqual(ssh.lookup('web1'), {
      hostName: undefined,
      user: undefined,
      port: undefined,
      identityFiles: [],
      proxyJump: undefined,
      knownHostsFile: undefined,
      knownHostsPolicy: undefined,
      connectTimeoutMs: undefined,
      keepaliveIntervalMs: undefined,
    });
  });

  it('maps StrictHostKeyChecking to a policy, ask as strict', async () => {
    for (const [value, policy] of [
      ['yes', 'strict'],
      ['ask', 'strict'],
      ['accept-new', 'accept-new'],
      ['no', 'off'],
      ['off', 'off'],
    ]) {
      const ssh = await config(`StrictHostKeyChecking ${value}\n`);
      assert.equal(ssh.lookup('any').knownHostsPolicy, policy, value);
    }
  });

  it('treats ProxyJump none and IdentityFile none as unset', async () => {
    const ssh = await config(
      'Host inner\n  ProxyJump none\n  IdentityFile none\nHost *\n  ProxyJump bastion\n',
    );
    assert.equal(ssh.lookup('inner').proxyJump, undefined);
    assert.deepEqual(ssh.lookup('inner').identityFiles, []);
    assert.equal(ssh.lookup('outer').proxyJump, 'bastion');
  });

  it('never runs Match exec', async () => {
    const canary = join(dir, 'match-exec-ran');
    const ssh = await config(`Match exec "touch ${canary}"\n  User hacked\n`);
    assert.equal(ssh.lookup('web1').user, undefined);
    await assert.rejects(import('node:fs/promises').then((fs) => fs.access(canary)));
  });

  it('names the file, host and key of a bad value', async () => {
    const ssh = await config('Host web1\n  Port twenty\n  StrictHostKeyChecking maybe\n');
    assert.throws(
      () => ssh.lookup('web1'),
      (error: OptionsError) =>
        error.code === 'SSH_CONFIG_INVALID' &&
        error.message.includes(ssh.file) &&
        /Port twenty .*web1/.test(error.message),
    );
    const strict = await config('Host web1\n  StrictHostKeyChecking maybe\n');
    assert.throws(() => strict.lookup('web1'), /StrictHostKeyChecking maybe \(for web1\)/);
  });

  it('requires a file named explicitly to exist', async () => {
    await assert.rejects(
      SshConfig.load(join(dir, 'missing')),
      (error: OptionsError) => error.code === 'SSH_CONFIG_UNREADABLE' && error.message.includes('missing'),
    );
  });
});
