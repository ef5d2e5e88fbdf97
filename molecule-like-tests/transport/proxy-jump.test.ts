import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network, type StartedNetwork } from 'testcontainers';
import { UnreachableError } from '../../lib/errors.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect } from '../../lib/transport/connect.js';
import { inventoryHost, noSshConfig } from './inventory-host.js';

/**
 * Two hosts on a private network: the target is reached only through the jump host, by its network alias,
 * which the control machine cannot even resolve.
 */
describe('ProxyJump through a throwaway jump host', function () {
  this.timeout(240_000);
  let network: StartedNetwork | undefined;
  let jump: ThrowawayHost | undefined;
  let target: ThrowawayHost | undefined;
  let dir: string;
  /** Jump host keys under 127.0.0.1:port, target keys under its alias (port 22). */
  let knownHostsFile: string;
  let jumpIp: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-transport-jump-'));
    network = await new Network().start();
    [jump, target] = await Promise.all([
      ThrowawayHost.start({ name: 'transport-jump', network }),
      ThrowawayHost.start({ name: 'transport-target', network }),
    ]);
    jumpIp = jump.container.getIpAddress(network.getName());
    const targetKeys = (await target.exec('cat /etc/ssh/ssh_host_*_key.pub')).output.trim().split('\n');
    knownHostsFile = join(dir, 'known_hosts');
    await writeFile(
      knownHostsFile,
      (await readFile(jump.knownHostsFile, 'utf8')) +
        targetKeys.map((line) => `${target?.name} ${line.split(' ').slice(0, 2).join(' ')}\n`).join(''),
    );
  });
  after(async () => {
    await Promise.all([jump?.stop(), target?.stop()]);
    await network?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The target as the inventory names it: its alias, port 22, the jump host in bosun_proxy_jump. */
  function targetEntry(vars: Record<string, unknown>) {
    if (!target) throw new Error('no target host');
    return inventoryHost(target, { address: target.name, port: 22 }, vars);
  }

  it('cannot reach the target directly: its alias does not resolve here', async () => {
    await assert.rejects(
      connect(targetEntry({}), { sshConfigFile: noSshConfig, knownHostsFile, connectTimeoutMs: 3_000 }),
      (error: UnreachableError) =>
        error.code === 'SSH_CONNECT_FAILED' && error.message.includes('transport-target'),
    );
  });

  it('reaches the target through bosun_proxy_jump, with two connections counted', async () => {
    const transport = await connect(targetEntry({ bosun_proxy_jump: `root@127.0.0.1:${jump?.port}` }), {
      sshConfigFile: noSshConfig,
      knownHostsFile,
    });
    try {
      const result = await transport.exec('hostname; echo "$SSH_CLIENT"');
      const [hostname, client] = result.stdout.trim().split('\n');
      assert.equal(hostname, 'transport-target');
      assert.equal(client.split(' ')[0], jumpIp, 'the target sees the jump host as the client');
      for (let i = 0; i < 5; i++) await transport.exec('true');
      await transport.upload('/tmp/through-jump', 'via bastion\n');
      assert.equal((await target?.exec('cat /tmp/through-jump'))?.output, 'via bastion\n');
      assert.equal(transport.counters.connectionsOpened, 2);
      assert.equal(transport.counters.commands, 7);
    } finally {
      await transport.close();
    }
  });

  it('takes the jump host from the ssh config, with its own HostName, Port and User, and IdentityFile for both', async () => {
    const sshConfigFile = join(dir, 'ssh_config');
    await writeFile(
      sshConfigFile,
      [
        'Host transport-target',
        '  ProxyJump bastion',
        'Host bastion',
        '  HostName 127.0.0.1',
        `  Port ${jump?.port}`,
        '  User root',
        'Host *',
        `  IdentityFile ${jump?.privateKeyFile}`,
        '',
      ].join('\n'),
    );
    const entry = targetEntry({});
    const transport = await connect(
      { ...entry, connection: { ...entry.connection, privateKeyFile: undefined } },
      { sshConfigFile, knownHostsFile },
    );
    try {
      assert.equal((await transport.exec('hostname')).stdout, 'transport-target\n');
      assert.equal(transport.counters.connectionsOpened, 2);
    } finally {
      await transport.close();
    }
  });

  it("verifies the jump host's key with the same policy", async () => {
    const onlyTarget = join(dir, 'known_hosts_target_only');
    await writeFile(
      onlyTarget,
      (await readFile(knownHostsFile, 'utf8')).replace(/^\[127\.0\.0\.1\].*\n/gm, ''),
    );
    await assert.rejects(
      connect(targetEntry({ bosun_proxy_jump: `root@127.0.0.1:${jump?.port}` }), {
        sshConfigFile: noSshConfig,
        knownHostsFile: onlyTarget,
      }),
      (error: UnreachableError) =>
        error.code === 'HOST_KEY_REFUSED' &&
        error.message.startsWith(
          `transport-target's jump host root@127.0.0.1:${jump?.port} (127.0.0.1:${jump?.port}) is not in`,
        ),
    );
  });

  it("verifies the target's key under its alias, and refuses it when unknown", async () => {
    const onlyJump = join(dir, 'known_hosts_jump_only');
    await writeFile(onlyJump, await readFile(jump?.knownHostsFile ?? '', 'utf8'));
    await assert.rejects(
      connect(targetEntry({ bosun_proxy_jump: `root@127.0.0.1:${jump?.port}` }), {
        sshConfigFile: noSshConfig,
        knownHostsFile: onlyJump,
      }),
      (error: UnreachableError) =>
        error.code === 'HOST_KEY_REFUSED' &&
        error.message.startsWith('transport-target (transport-target:22) is not in'),
    );
  });

  it('names the jump host when the target behind it refuses the connection', async () => {
    await assert.rejects(
      connect(
        inventoryHost(
          target as ThrowawayHost,
          { address: 'transport-target', port: 2222 },
          {
            bosun_proxy_jump: `root@127.0.0.1:${jump?.port}`,
          },
        ),
        { sshConfigFile: noSshConfig, knownHostsFile },
      ),
      (error: UnreachableError) =>
        error.code === 'SSH_CONNECT_FAILED' &&
        error.message.includes(`root@transport-target:2222 through transport-target's jump host`) &&
        error.message.includes('also on a second attempt'),
    );
  });

  it('refuses a malformed bosun_proxy_jump, naming the key', async () => {
    await assert.rejects(
      connect(targetEntry({ bosun_proxy_jump: 'root@bastion:port' }), {
        sshConfigFile: noSshConfig,
        knownHostsFile,
      }),
      (error: Error & { code?: string }) =>
        error.code === 'PROXY_JUMP_INVALID' && error.message.startsWith('transport-target: bosun_proxy_jump'),
    );
  });
});
