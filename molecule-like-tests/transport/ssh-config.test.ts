import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from '../../lib/errors.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect } from '../../lib/transport/connect.js';
import { TcpProxy } from './tcp-proxy.js';

/** The inventory names only `web-alias`; everything else comes from a test ssh config, never the user's. */
describe('~/.ssh/config on a throwaway host', function () {
  this.timeout(180_000);
  let host: ThrowawayHost;
  let dir: string;
  let sshConfigFile: string;

  const aliasOnly = (connection: Partial<InventoryHost['connection']> = {}): InventoryHost => ({
    name: 'web-alias',
    groups: ['all'],
    vars: {},
    connection: { connection: 'ssh', address: 'web-alias', become: false, ...connection },
  });

  before(async () => {
    host = await ThrowawayHost.start({ name: 'transport-config' });
    dir = await mkdtemp(join(tmpdir(), 'bosun-transport-config-'));
    sshConfigFile = join(dir, 'config');
    await writeFile(
      sshConfigFile,
      [
        'Host web-*',
        '  HostName 127.0.0.1',
        `  Port ${host.port}`,
        '  User root',
        `  IdentityFile ${dir}/missing_key`,
        `  IdentityFile ${host.privateKeyFile}`,
        `  UserKnownHostsFile ${host.knownHostsFile}`,
        '  StrictHostKeyChecking yes',
        '  ConnectTimeout 5',
        '  ServerAliveInterval 1',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('connects with HostName, Port, User, the first existing IdentityFile and UserKnownHostsFile', async () => {
    const transport = await connect(aliasOnly(), { sshConfigFile });
    try {
      const result = await transport.exec('hostname; id -un');
      assert.equal(result.stdout, 'transport-config\nroot\n');
    } finally {
      await transport.close();
    }
  });

  it('lets inventory values win over the ssh config', async () => {
    await assert.rejects(
      connect(aliasOnly({ user: 'nosuchuser' }), { sshConfigFile }),
      (error: UnreachableError) =>
        error.code === 'SSH_AUTH_FAILED' &&
        error.message.startsWith(
          `web-alias: SSH authentication failed for nosuchuser@127.0.0.1:${host.port};`,
        ) &&
        error.message.includes(`tried the key ${host.privateKeyFile}`),
    );
    await assert.rejects(
      connect(aliasOnly({ port: 1 }), { sshConfigFile }),
      (error: UnreachableError) =>
        error.code === 'SSH_CONNECT_FAILED' &&
        error.message.includes('root@127.0.0.1:1') &&
        error.message.includes('ECONNREFUSED'),
    );
  });

  describe('timeouts, through a TCP proxy', () => {
    let proxy: TcpProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    /** A config for the proxy's port, the host keys recorded under it, ConnectTimeout 1 and ServerAliveInterval 1. */
    async function proxiedConfig(port: number): Promise<string> {
      const knownHostsFile = join(dir, `known_hosts_${port}`);
      const keys = (await host.exec('cat /etc/ssh/ssh_host_*_key.pub')).output.trim().split('\n');
      await writeFile(knownHostsFile, keys.map((key) => `[127.0.0.1]:${port} ${key}\n`).join(''));
      const file = join(dir, `config_${port}`);
      await writeFile(
        file,
        [
          'Host web-alias',
          '  HostName 127.0.0.1',
          `  Port ${port}`,
          '  User root',
          `  IdentityFile ${host.privateKeyFile}`,
          `  UserKnownHostsFile ${knownHostsFile}`,
          '  ConnectTimeout 1',
          '  ServerAliveInterval 1',
          '',
        ].join('\n'),
      );
      return file;
    }

    it('gives up at ConnectTimeout on a server that never answers', async () => {
      proxy = await TcpProxy.start(host.port, () => 'silent');
      const started = Date.now();
      await assert.rejects(
        connect(aliasOnly(), { sshConfigFile: await proxiedConfig(proxy.port) }),
        (error: UnreachableError) =>
          error.code === 'SSH_CONNECT_FAILED' && error.message.includes('no SSH handshake within 1000 ms'),
      );
      assert.ok(Date.now() - started < 5_000, 'the default 15 s timeout was used');
    });

    it('detects a dead link within a few ServerAliveIntervals', async () => {
      proxy = await TcpProxy.start(host.port, () => 'forward');
      const transport = await connect(aliasOnly(), { sshConfigFile: await proxiedConfig(proxy.port) });
      try {
        assert.equal((await transport.exec('echo alive')).stdout, 'alive\n');
        proxy.pause();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await assert.rejects(transport.exec('echo gone'), (error: UnreachableError) =>
          /Keepalive timeout/.test(error.message),
        );
      } finally {
        await transport.close();
      }
    });
  });

  it('does not match a name outside its Host patterns', async () => {
    const other: InventoryHost = {
      ...aliasOnly(),
      name: 'db-alias',
      connection: { ...aliasOnly().connection, address: 'db-alias' },
    };
    await assert.rejects(
      connect(other, { sshConfigFile, connectTimeoutMs: 3_000 }),
      (error: UnreachableError) => error.message.startsWith('db-alias: '),
    );
  });
});
