import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GenericContainer, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { AptCacheLease } from './apt-cache.js';
import { ensureHostImage, type HostImageKind } from './host-image.js';
import { testKey } from './test-key.js';

// Ryuk (testcontainers' reaper) is pulled from a registry, which these machines cannot reach:
// the harness removes its own containers instead, also when a step fails.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
// Hosts publish SSH on 127.0.0.1 only. Where /.dockerenv exists (as on these machines) testcontainers would
// probe the bridge gateway instead, which never reaches a loopback binding: its port wait then times out.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export interface ThrowawayHostOptions {
  /** Inventory name of the host (also its hostname and network alias). */
  name?: string;
  image?: HostImageKind;
  /**
   * A ready image to start instead of the `image` kind's, e.g. one built FROM it with more packages
   * installed (it must keep its systemd, sshd and test-key layout).
   */
  imageTag?: string;
  network?: StartedNetwork;
  /** Let the host set its own network sysctls (`systempaths=unconfined`). */
  writableNetworkSysctls?: boolean;
  /**
   * Docker inside (docker-in-docker): a tmpfs with exec on /var/lib/docker, and no seccomp filter so that
   * the inner runc may create its containers' keyrings.
   */
  dockerInside?: boolean;
  /** Share downloaded .deb files with the other throwaway hosts of this machine; on by default. */
  aptCache?: boolean;
  /**
   * More container ports to publish, each on the same port number of 127.0.0.1 (with its known_hosts
   * entries), so that a port the host's sshd moves to is reached as the inventory would name it.
   * Choose free ports; nothing waits for them to listen.
   */
  extraPorts?: number[];
}

/** Docker's own GenericContainer, plus the one binding testcontainers cannot express: SSH on loopback only. */
class LoopbackSshContainer extends GenericContainer {
  bindSshToLoopback(extraPorts: number[] = []): this {
    this.hostConfig.PortBindings = { '22/tcp': [{ HostIp: '127.0.0.1', HostPort: '0' }] };
    // Published but not exposed through testcontainers, whose wait strategy would wait for them to listen.
    for (const port of extraPorts) {
      this.createOpts.ExposedPorts = { ...this.createOpts.ExposedPorts, [`${port}/tcp`]: {} };
      this.hostConfig.PortBindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: String(port) }];
    }
    return this;
  }

  /**
   * What `docker run --security-opt systempaths=unconfined` does: the CLI turns that option into empty masked
   * and read-only /proc paths; the engine's API refuses it as a security option.
   */
  unconfineSystemPaths(): this {
    this.hostConfig.MaskedPaths = [];
    this.hostConfig.ReadonlyPaths = [];
    return this;
  }
}

/**
 * A throwaway Linux host with systemd as PID 1 and sshd, reachable on 127.0.0.1 with a test key, and
 * its host keys recorded in a known_hosts file so that connections verify them strictly.
 */
export class ThrowawayHost {
  private constructor(
    readonly name: string,
    readonly container: StartedTestContainer,
    readonly port: number,
    readonly knownHostsFile: string,
    private readonly aptCache: AptCacheLease | undefined,
  ) {}

  readonly address = '127.0.0.1';
  readonly user = 'root';
  get privateKeyFile(): string {
    return testKey().privateKeyFile;
  }

  static async start(options: ThrowawayHostOptions = {}): Promise<ThrowawayHost> {
    const name = options.name ?? `bosun-host-${Math.random().toString(36).slice(2, 8)}`;
    const image = options.imageTag ?? (await ensureHostImage(options.image));
    const tmpfs: Record<string, string> = { '/run': 'rw,mode=755', '/run/lock': 'rw' };
    if (options.dockerInside) tmpfs['/var/lib/docker'] = 'rw,exec,mode=711';
    const mounts = [{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' as const }];
    const aptCache = options.aptCache === false ? undefined : await AptCacheLease.open();
    if (aptCache) mounts.push({ source: aptCache.dir, target: '/var/cache/apt/archives', mode: 'rw' });
    let definition = new LoopbackSshContainer(image)
      .withName(`${name}-${process.pid}-${Date.now().toString(36)}`)
      .withHostname(name)
      .withLabels({ 'bosun.throwaway-host': 'true' })
      .withAddedCapabilities('ALL')
      .withDroppedCapabilities('SYS_RESOURCE')
      .withTmpFs(tmpfs)
      .withBindMounts(mounts)
      .withCommand(['/lib/systemd/systemd'])
      .withExposedPorts(22)
      .withCopyContentToContainer([
        { content: testKey().publicKey + '\n', target: '/root/.ssh/authorized_keys', mode: 0o600 },
      ])
      .withStartupTimeout(120_000)
      .bindSshToLoopback(options.extraPorts);
    if (options.writableNetworkSysctls) definition = definition.unconfineSystemPaths();
    // runc inside creates a session keyring per container: the default seccomp profile refuses keyctl (EPERM).
    if (options.dockerInside) definition = definition.withSecurityOpt('seccomp=unconfined');
    if (options.network) definition = definition.withNetwork(options.network).withNetworkAliases(name);

    const container = await definition.start().catch(async (error: unknown) => {
      await aptCache?.close();
      throw error;
    });
    try {
      await waitForSshd(container);
      const port = container.getMappedPort(22);
      const knownHostsFile = join(await mkdtemp(join(tmpdir(), 'bosun-known-hosts-')), 'known_hosts');
      const keys = await container.exec(['sh', '-c', 'cat /etc/ssh/ssh_host_*_key.pub']);
      const lines = [port, ...(options.extraPorts ?? [])].flatMap((published) =>
        keys.output
          .trim()
          .split('\n')
          .map((line) => `[127.0.0.1]:${published} ${line.split(' ').slice(0, 2).join(' ')}\n`),
      );
      await appendFile(knownHostsFile, lines.join(''));
      return new ThrowawayHost(name, container, port, knownHostsFile, aptCache);
    } catch (error) {
      await container.stop({ remove: true, timeout: 1 }).catch(() => undefined);
      await aptCache?.close();
      throw error;
    }
  }

  /** Runs a command inside the container, outside SSH: for verifying what a run did. */
  async exec(command: string): Promise<{ code: number; output: string }> {
    const result = await this.container.exec(['sh', '-c', command]);
    return { code: result.exitCode, output: result.output };
  }

  /** The host as an Ansible-style YAML inventory entry (Bosun's own keys). */
  inventoryEntry(): Record<string, unknown> {
    return {
      bosun_host: this.address,
      bosun_port: this.port,
      bosun_user: this.user,
      bosun_private_key_file: this.privateKeyFile,
    };
  }

  async stop(): Promise<void> {
    await this.container.stop({ remove: true, removeVolumes: true, timeout: 1 });
    await this.aptCache?.close();
    await rm(dirname(this.knownHostsFile), { recursive: true, force: true });
  }
}

async function waitForSshd(container: StartedTestContainer): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const probe = await container.exec(['sh', '-c', 'systemctl is-active ssh.service ssh.socket']);
    if (/^active$/m.test(probe.output)) return;
    if (Date.now() > deadline) throw new Error(`sshd did not start in the throwaway host: ${probe.output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
