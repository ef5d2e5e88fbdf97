import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { stringify } from 'yaml';
import { playbook } from '../../lib/engine/playbook.js';
import type { RunResult } from '../../lib/engine/results.js';
import { runInProcess, type CapturedRun } from '../../lib/testing/run-in-process.js';
import { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { connect } from '../../lib/transport/connect.js';
import { KnownHosts } from '../../lib/transport/known-hosts.js';
import { hardenSsh, type HardenSshVariables } from '../../roles/harden-ssh/index.js';

/** A test-only password: alice exists to prove that password logins are refused. */
export const alicePassword = 'correct-horse-battery-9';

export interface SshTestHostOptions {
  /** Ports published on the same number of 127.0.0.1 (free ones: see freePort). */
  extraPorts?: number[];
  /** Run sshd from ssh.socket, as Ubuntu 22.10+ does. */
  socketActivated?: boolean;
}

/**
 * A throwaway host prepared as a hardened VPS starts out: `deploy` with the test key and passwordless sudo
 * (Bosun logs in as deploy with become, so PermitRootLogin no is allowed), `alice` with a password only.
 */
export class SshTestHost {
  private constructor(
    readonly host: ThrowawayHost,
    private readonly dir: string,
  ) {}

  static async start(name: string, options: SshTestHostOptions = {}): Promise<SshTestHost> {
    const host = await ThrowawayHost.start({ name, extraPorts: options.extraPorts });
    const testHost = new SshTestHost(host, await mkdtemp(join(tmpdir(), 'bosun-harden-ssh-')));
    try {
      await testHost.exec(`set -e
useradd -m -s /bin/bash deploy
install -d -m 700 -o deploy -g deploy /home/deploy/.ssh
install -m 600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys
echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
useradd -m -s /bin/bash alice
echo 'alice:${alicePassword}' | chpasswd`);
      if (options.socketActivated)
        await testHost.exec('systemctl disable --now ssh.service && systemctl enable --now ssh.socket');
      return testHost;
    } catch (error) {
      await testHost.stop();
      throw error;
    }
  }

  get knownHostsFile(): string {
    return this.host.knownHostsFile;
  }

  /** Writes an inventory that reaches the host on `port` (its published port 22 by default) as deploy with sudo, or as root. */
  async inventoryFile(port = this.host.port, user: 'deploy' | 'root' = 'deploy'): Promise<string> {
    const file = join(this.dir, `inventory-${user}-${port}.yml`);
    const entry = {
      ...this.host.inventoryEntry(),
      bosun_port: port,
      bosun_user: user,
      bosun_become: user !== 'root',
    };
    await writeFile(file, stringify({ all: { hosts: { [this.host.name]: entry } } }));
    return file;
  }

  /** Runs a playbook of harden-ssh with these variables, as `bosun run` would. */
  async run(
    vars: Partial<HardenSshVariables>,
    options: { check?: boolean; diff?: boolean; port?: number; user?: 'deploy' | 'root' } = {},
  ): Promise<CapturedRun> {
    const book = playbook({
      name: 'harden-ssh test',
      plays: [{ name: 'harden sshd', hosts: 'all', roles: [hardenSsh(vars)] }],
    });
    return runInProcess(book, {
      inventoryFile: await this.inventoryFile(options.port, options.user),
      knownHostsFile: this.knownHostsFile,
      check: options.check,
      diff: options.diff,
    });
  }

  /** Runs a command inside the host (outside SSH) and returns its output; fails on a non-zero exit. */
  async exec(command: string): Promise<string> {
    const result = await this.host.exec(command);
    if (result.code !== 0)
      throw new Error(`\`${command}\` failed in ${this.host.name} (exit ${result.code}): ${result.output}`);
    return result.output;
  }

  /** A fresh key login as deploy through Bosun's transport (strict host keys); returns `id -un`. */
  async keyLogin(port = this.host.port): Promise<string> {
    const transport = await connect(
      {
        name: this.host.name,
        groups: ['all'],
        vars: {},
        connection: {
          connection: 'ssh',
          address: this.host.address,
          port,
          user: 'deploy',
          privateKeyFile: this.host.privateKeyFile,
          become: false,
        },
      },
      { knownHostsPolicy: 'strict', knownHostsFile: this.knownHostsFile },
    );
    try {
      return (await transport.exec('id -un')).stdout.trim();
    } finally {
      await transport.close();
    }
  }

  /** A password login as alice with ssh2, the host key checked against known_hosts: 'accepted' or the error. */
  async passwordLogin(port = this.host.port): Promise<string> {
    const known = (await KnownHosts.load(this.knownHostsFile)).lookup(this.host.address, port).keys;
    return new Promise((resolve) => {
      const client = new ssh2.Client();
      client
        .on('ready', () => {
          client.end();
          resolve('accepted');
        })
        .on('error', (error) => resolve(error.message))
        .connect({
          host: this.host.address,
          port,
          username: 'alice',
          password: alicePassword,
          tryKeyboard: true,
          readyTimeout: 20_000,
          hostVerifier: (key: Buffer) => known.some((entry) => entry.blob.equals(key)),
        });
    });
  }

  async stop(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await this.host.stop();
  }
}

/** A TCP port free on 127.0.0.1 right now, to publish a host's future SSH port on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The one-line reason a run failed the host, or undefined when no host failed. */
export function hostFailure(result: RunResult): string | undefined {
  const failed = result.hosts.find((host) => host.failure || host.unreachable);
  return failed?.failure && `[${failed.failure.code}] ${failed.failure.message}`;
}

/** The tasks a run changed, as 'task: change; change'. */
export function changedTasks(result: RunResult): string[] {
  return result.tasks
    .filter((task) => task.status === 'changed')
    .map((task) => `${task.task}: ${task.changes.join('; ')}`);
}
