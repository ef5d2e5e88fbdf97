import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { UnreachableError } from '../errors.js';
import { SshConfig } from './ssh-config.js';
import { resolveEndpoint } from './ssh-endpoint.js';

describe('resolveEndpoint', () => {
  let dir: string;
  let keyA: string;
  let keyB: string;
  let encrypted: string;
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-endpoint-test-'));
    keyA = join(dir, 'key-a');
    keyB = join(dir, 'key-b');
    encrypted = join(dir, 'key-encrypted');
    await writeFile(keyA, ssh2.utils.generateKeyPairSync('ed25519').private);
    await writeFile(keyB, ssh2.utils.generateKeyPairSync('ed25519').private);
    await writeFile(
      encrypted,
      ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'pw', cipher: 'aes256-cbc', rounds: 4 })
        .private,
    );
    // An empty home: no ~/.ssh/config, keys or known_hosts of the user running the tests.
    process.env.HOME = join(dir, 'home');
    delete process.env.SSH_AUTH_SOCK;
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function sshConfig(text: string): Promise<SshConfig> {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
    await writeFile(file, text);
    return SshConfig.load(file);
  }

  it('takes inventory values over the ssh config, and the ssh config over defaults', async () => {
    const config = await sshConfig(
      `Host web1\n  HostName 10.0.0.5\n  User deploy\n  Port 2222\n  IdentityFile ${keyB}\n` +
        `  UserKnownHostsFile ${dir}/known\n  StrictHostKeyChecking accept-new\n  ConnectTimeout 3\n  ServerAliveInterval 9\n`,
    );
    const fromConfig = await resolveEndpoint({ name: 'web1', address: 'web1' }, config, {});
    assert.deepEqual(
      { ...fromConfig.endpoint, privateKey: fromConfig.endpoint.privateKey?.file },
      {
        name: 'web1',
        address: '10.0.0.5',
        port: 2222,
        user: 'deploy',
        privateKey: keyB,
        agent: undefined,
        knownHostsFile: `${dir}/known`,
        knownHostsPolicy: 'accept-new',
        connectTimeoutMs: 3_000,
        keepaliveIntervalMs: 9_000,
      },
    );

    const fromInventory = await resolveEndpoint(
      { name: 'web1', address: 'web1', port: 22, user: 'root', privateKeyFile: keyA },
      config,
      { knownHostsPolicy: 'strict', knownHostsFile: `${dir}/cli-known`, connectTimeoutMs: 1_000 },
    );
    assert.equal(fromInventory.endpoint.port, 22);
    assert.equal(fromInventory.endpoint.user, 'root');
    assert.equal(fromInventory.endpoint.privateKey?.file, keyA);
    assert.equal(fromInventory.endpoint.knownHostsPolicy, 'strict', 'an explicit policy wins');
    assert.equal(fromInventory.endpoint.knownHostsFile, `${dir}/cli-known`);
    assert.equal(fromInventory.endpoint.connectTimeoutMs, 1_000);
    assert.equal(fromInventory.endpoint.keepaliveIntervalMs, 9_000);

    const defaults = await resolveEndpoint({ name: 'db', address: 'db.example.org' }, config, {});
    assert.deepEqual(
      { ...defaults.endpoint, privateKey: defaults.endpoint.privateKey?.file },
      {
        name: 'db',
        address: 'db.example.org',
        port: 22,
        user: userInfo().username,
        privateKey: undefined,
        agent: undefined,
        knownHostsFile: join(dir, 'home', '.ssh', 'known_hosts'),
        knownHostsPolicy: 'strict',
        connectTimeoutMs: 15_000,
        keepaliveIntervalMs: 15_000,
      },
    );
  });

  it('offers the first IdentityFile that exists and has no passphrase', async () => {
    const config = await sshConfig(
      `Host *\n  IdentityFile ${dir}/missing\n  IdentityFile ${encrypted}\n  IdentityFile ${keyB}\n  IdentityFile ${keyA}\n`,
    );
    const { endpoint } = await resolveEndpoint({ name: 'web1', address: 'web1' }, config, {});
    assert.equal(endpoint.privateKey?.file, keyB);
  });

  it('names the inventory host and path of a missing or encrypted inventory key', async () => {
    const config = await sshConfig('');
    await assert.rejects(
      resolveEndpoint(
        {
          name: 'web1',
          address: 'web1',
          privateKeyFile: `${dir}/nope`,
          privateKeySource: 'bosun_private_key_file',
        },
        config,
        {},
      ),
      (error: UnreachableError) =>
        error instanceof UnreachableError &&
        error.code === 'SSH_KEY_FILE_UNUSABLE' &&
        error.message.startsWith('web1:') &&
        error.message.includes(`${dir}/nope (bosun_private_key_file) does not exist`),
    );
    await assert.rejects(
      resolveEndpoint({ name: 'web1', address: 'web1', privateKeyFile: encrypted }, config, {}),
      /is encrypted: .*ssh-add/,
    );
  });

  it('uses the agent when set, and ~/.ssh/id_* only without agent or configured key', async () => {
    const config = await sshConfig('');
    await mkdir(join(dir, 'home', '.ssh'), { recursive: true });
    await writeFile(join(dir, 'home', '.ssh', 'id_rsa'), ssh2.utils.generateKeyPairSync('ed25519').private);
    const withoutAgent = await resolveEndpoint({ name: 'web1', address: 'web1' }, config, {});
    assert.equal(withoutAgent.endpoint.privateKey?.file, join(dir, 'home', '.ssh', 'id_rsa'));

    process.env.SSH_AUTH_SOCK = join(dir, 'agent.sock');
    try {
      const withAgent = await resolveEndpoint({ name: 'web1', address: 'web1' }, config, {});
      assert.equal(withAgent.endpoint.privateKey, undefined);
      assert.equal(withAgent.endpoint.agent, join(dir, 'agent.sock'));
      const both = await resolveEndpoint({ name: 'web1', address: 'web1', privateKeyFile: keyA }, config, {});
      assert.equal(both.endpoint.privateKey?.file, keyA);
      assert.equal(both.endpoint.agent, join(dir, 'agent.sock'));
    } finally {
      delete process.env.SSH_AUTH_SOCK;
    }
  });

  it('returns the ssh config ProxyJump and lends a fallback key', async () => {
    const config = await sshConfig('Host web1\n  ProxyJump bastion\n');
    const target = await resolveEndpoint({ name: 'web1', address: 'web1', privateKeyFile: keyA }, config, {});
    assert.equal(target.proxyJump, 'bastion');
    const jump = await resolveEndpoint(
      { name: "web1's jump host bastion", address: 'bastion', fallbackKey: target.endpoint.privateKey },
      config,
      {},
    );
    assert.equal(jump.endpoint.privateKey?.file, keyA);
  });
});
