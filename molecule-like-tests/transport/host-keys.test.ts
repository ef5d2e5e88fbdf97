import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnreachableError } from '../../lib/errors.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect, type ConnectOptions } from '../../lib/transport/connect.js';
import { inventoryHost, noSshConfig } from './inventory-host.js';

describe('known-hosts policies on a throwaway host', function () {
  this.timeout(180_000);
  let host: ThrowawayHost;
  let dir: string;
  let originalFingerprints: string[];

  before(async () => {
    host = await ThrowawayHost.start({ name: 'transport-keys' });
    dir = await mkdtemp(join(tmpdir(), 'bosun-transport-keys-'));
    originalFingerprints = await fingerprints();
  });
  after(async () => {
    await host?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The SHA256 fingerprints of the host's keys, as ssh-keygen prints them on the host itself. */
  async function fingerprints(): Promise<string[]> {
    const out = await host.exec('for key in /etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$key"; done');
    return [...out.output.matchAll(/SHA256:[A-Za-z0-9+/]+/g)].map((match) => match[0]);
  }

  let fileCount = 0;
  async function knownHostsFile(content = ''): Promise<string> {
    const file = join(dir, `known_hosts_${fileCount++}`);
    await writeFile(file, content);
    return file;
  }

  const options = (knownHostsFile: string, extra: ConnectOptions = {}): ConnectOptions => ({
    sshConfigFile: noSshConfig,
    knownHostsFile,
    ...extra,
  });

  const refused =
    (...parts: string[]) =>
    (error: UnreachableError) =>
      error instanceof UnreachableError &&
      error.code === 'HOST_KEY_REFUSED' &&
      error.exitCode === 3 &&
      parts.every((part) => error.message.includes(part));

  it('trusts, and records, a key the host proved on another connection (a port move), and only that key', async () => {
    const verified = await connect(inventoryHost(host), options(host.knownHostsFile));
    const proven = verified.hostKey!;
    await verified.close();
    const file = await knownHostsFile();
    const moved = await connect(inventoryHost(host), options(file, { trustedHostKey: proven }));
    assert.equal((await moved.exec('true')).code, 0);
    await moved.close();
    assert.match(await readFile(file, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host.port} `, 'm'));

    const other = await knownHostsFile();
    const stranger = Buffer.from(proven);
    stranger[stranger.length - 1] ^= 0xff;
    await assert.rejects(
      connect(inventoryHost(host), options(other, { trustedHostKey: stranger })),
      refused('is not in'),
    );
  });

  it('strict (the default) refuses an unknown host, naming it and the fingerprint it offered', async () => {
    const file = await knownHostsFile();
    await assert.rejects(connect(inventoryHost(host), options(file)), (error: UnreachableError) => {
      assert.ok(refused(`transport-keys (127.0.0.1:${host.port}) is not in ${file}`)(error), error.message);
      assert.ok(
        originalFingerprints.some((fingerprint) => error.message.includes(fingerprint)),
        error.message,
      );
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), '', 'strict records nothing');
  });

  it('accept-new records a first-seen key, which strict then accepts', async () => {
    const file = await knownHostsFile();
    const first = await connect(inventoryHost(host), options(file, { knownHostsPolicy: 'accept-new' }));
    await first.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1);
    const hostKeys = (await host.exec('cat /etc/ssh/ssh_host_*_key.pub')).output;
    const [name, type, key] = lines[0].split(' ');
    assert.equal(name, `[127.0.0.1]:${host.port}`);
    assert.ok(hostKeys.includes(`${type} ${key}`), 'the recorded key is one of the host keys');

    const again = await connect(inventoryHost(host), options(file, { knownHostsPolicy: 'strict' }));
    assert.equal((await again.exec('echo known')).stdout, 'known\n');
    await again.close();
    assert.equal((await readFile(file, 'utf8')).trim().split('\n').length, 1, 'nothing recorded twice');
  });

  it('off connects to an unknown host, records nothing, and hands the warning to the caller', async () => {
    const file = await knownHostsFile();
    const warnings: string[] = [];
    const transport = await connect(
      inventoryHost(host),
      options(file, { knownHostsPolicy: 'off', onWarning: (message) => warnings.push(message) }),
    );
    assert.equal((await transport.exec('echo unchecked')).stdout, 'unchecked\n');
    await transport.close();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^transport-keys \(127\.0\.0\.1:\d+\): host key checking is OFF; accepted host key /,
    );
    assert.equal(await readFile(file, 'utf8'), '');
  });

  it('takes StrictHostKeyChecking from the ssh config unless the policy is set explicitly', async () => {
    const file = await knownHostsFile();
    const sshConfigFile = join(dir, 'ssh_config');
    await writeFile(sshConfigFile, `Host 127.0.0.1\n  StrictHostKeyChecking accept-new\n`);
    await assert.rejects(
      connect(inventoryHost(host), { sshConfigFile, knownHostsFile: file, knownHostsPolicy: 'strict' }),
      refused('is not in'),
    );
    const transport = await connect(inventoryHost(host), { sshConfigFile, knownHostsFile: file });
    await transport.close();
    assert.match(await readFile(file, 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${host.port} `));
  });

  it('refuses a key marked @revoked, even under accept-new', async () => {
    const hostKeys = (await host.exec('cat /etc/ssh/ssh_host_*_key.pub')).output.trim().split('\n');
    const file = await knownHostsFile(
      hostKeys.map((line) => `@revoked * ${line.split(' ').slice(0, 2).join(' ')}\n`).join(''),
    );
    await assert.rejects(
      connect(inventoryHost(host), options(file, { knownHostsPolicy: 'accept-new' })),
      refused('marked @revoked'),
    );
  });

  describe('after the host keys changed (host reinstalled)', () => {
    let acceptedBefore: string;
    let newFingerprints: string[];

    before(async () => {
      acceptedBefore = await knownHostsFile();
      const transport = await connect(
        inventoryHost(host),
        options(acceptedBefore, { knownHostsPolicy: 'accept-new' }),
      );
      await transport.close();
      const regenerated = await host.exec('rm /etc/ssh/ssh_host_*; ssh-keygen -A && systemctl restart ssh');
      assert.equal(regenerated.code, 0, regenerated.output);
      newFingerprints = await fingerprints();
      assert.equal(
        newFingerprints.some((fingerprint) => originalFingerprints.includes(fingerprint)),
        false,
        'the keys really changed',
      );
    });

    it('strict refuses, naming the host, the new fingerprint and how to clear the old key', async () => {
      await assert.rejects(
        connect(inventoryHost(host), options(host.knownHostsFile)),
        (error: UnreachableError) => {
          assert.ok(
            refused(
              `transport-keys (127.0.0.1:${host.port}) offered host key`,
              `does NOT match the key recorded in ${host.knownHostsFile}`,
              `ssh-keygen -R '[127.0.0.1]:${host.port}'`,
            )(error),
            error.message,
          );
          assert.ok(
            newFingerprints.some((fingerprint) => error.message.includes(fingerprint)),
            error.message,
          );
          return true;
        },
      );
    });

    it('accept-new refuses too: only a first-seen key is trusted', async () => {
      await assert.rejects(
        connect(inventoryHost(host), options(acceptedBefore, { knownHostsPolicy: 'accept-new' })),
        refused('does NOT match'),
      );
      assert.equal((await readFile(acceptedBefore, 'utf8')).trim().split('\n').length, 1, 'nothing recorded');
    });

    it('off connects, and its warning says the key does not match', async () => {
      const warnings: string[] = [];
      const transport = await connect(
        inventoryHost(host),
        options(host.knownHostsFile, {
          knownHostsPolicy: 'off',
          onWarning: (message) => warnings.push(message),
        }),
      );
      await transport.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /does NOT match the key recorded in/);
    });
  });
});
