import { Readable } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { UnreachableError } from '../errors.js';
import { atomicUploadScript } from './atomic-upload.js';
import { wrapCommand } from './command-wrapper.js';
import { KnownHosts, fingerprint, keyTypeOf, type KnownHostsPolicy } from './known-hosts.js';
import type { ExecOptions, ExecResult, Transport, TransportCounters, UploadOptions } from './transport.js';

export interface SshTransportOptions {
  /** Inventory name, for messages. */
  hostName: string;
  address: string;
  port: number;
  user: string;
  privateKey?: string;
  /** Path of the SSH agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  knownHostsFile: string;
  knownHostsPolicy: KnownHostsPolicy;
  become: boolean;
  becomePassword?: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** An already-connected stream to tunnel through (ProxyJump). */
  sock?: NodeJS.ReadableStream;
}

const hostKeyAlgorithmsByType: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** One SSH connection per host; every exec and upload is a channel on it. */
export class SshTransport implements Transport {
  readonly counters: TransportCounters = {
    connectionsOpened: 0,
    commands: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };

  private constructor(
    private readonly ssh: NodeSSH,
    private readonly options: SshTransportOptions,
  ) {
    this.counters.connectionsOpened = 1;
  }

  get hostName(): string {
    return this.options.hostName;
  }

  static async connect(options: SshTransportOptions): Promise<SshTransport> {
    const knownHosts = await KnownHosts.load(options.knownHostsFile);
    const known = knownHosts.lookup(options.address, options.port);
    let refusal: string | undefined;
    let trustOnFirstUse: Buffer | undefined;

    const hostVerifier = (blob: Buffer): boolean => {
      refusal = checkHostKey(options, known, blob);
      if (!refusal && options.knownHostsPolicy === 'accept-new' && known.keys.length === 0)
        trustOnFirstUse = blob;
      return refusal === undefined;
    };

    const ssh = new NodeSSH();
    try {
      await ssh.connect({
        host: options.address,
        port: options.port,
        username: options.user,
        privateKey: options.privateKey,
        agent: options.agent,
        sock: options.sock as never,
        readyTimeout: options.connectTimeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier,
        algorithms:
          known.keys.length > 0 && options.knownHostsPolicy !== 'off'
            ? {
                serverHostKey: known.keys.flatMap(
                  (key) => hostKeyAlgorithmsByType[key.type] ?? [key.type],
                ) as never,
              }
            : undefined,
      });
    } catch (error) {
      ssh.dispose();
      if (refusal) throw new UnreachableError('HOST_KEY_REFUSED', refusal, { cause: error });
      throw new UnreachableError(
        'SSH_CONNECT_FAILED',
        `${options.hostName}: cannot connect to ${options.user}@${options.address}:${options.port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (trustOnFirstUse) await knownHosts.add(options.address, options.port, trustOnFirstUse);
    return new SshTransport(ssh, options);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const wrapped = wrapCommand(command, {
      cwd: options.cwd,
      env: options.env,
      become: options.become ?? this.options.become,
      becomePassword: this.options.becomePassword,
    });
    const stdin = concatStdin(wrapped.stdinPrefix, options.stdin);
    this.counters.commands += 1;
    this.counters.bytesSent += Buffer.byteLength(wrapped.command) + (stdin?.length ?? 0);

    let channel: ClientChannel | undefined;
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            channel?.signal('KILL');
            channel?.close();
          }, options.timeoutMs);
    // Output is collected as bytes and decoded once: a UTF-8 character may straddle two chunks.
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    try {
      const response = await this.ssh.execCommand(wrapped.command, {
        stdin: stdin ? Readable.from([stdin]) : undefined,
        onChannel: (opened) => (channel = opened),
        onStdout: (chunk) => out.push(chunk),
        onStderr: (chunk) => err.push(chunk),
      });
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err);
      this.counters.bytesReceived += stdout.length + stderr.length;
      if (timedOut) {
        return {
          code: 124,
          stdout: stdout.toString(),
          stderr: `${stderr}timed out after ${options.timeoutMs} ms\n`,
        };
      }
      const code = response.code ?? 128 + signalNumber(response.signal);
      return { code, stdout: stdout.toString(), stderr: stderr.toString() };
    } catch (error) {
      throw new UnreachableError(
        'SSH_CONNECTION_LOST',
        `${this.hostName}: the SSH connection failed while running a command: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async upload(
    path: string,
    content: string | Buffer,
    options: UploadOptions = {},
  ): Promise<{ backupPath?: string }> {
    const result = await this.exec(atomicUploadScript(path, options), {
      stdin: content,
      become: options.become,
    });
    if (result.code !== 0) {
      throw new Error(
        `cannot write ${path}: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
      );
    }
    return { backupPath: /^backup=(.*)$/m.exec(result.stdout)?.[1] };
  }

  async close(): Promise<void> {
    this.ssh.dispose();
  }
}

function checkHostKey(
  options: SshTransportOptions,
  known: { keys: { type: string; blob: Buffer }[]; revoked: { blob: Buffer }[] },
  blob: Buffer,
): string | undefined {
  if (options.knownHostsPolicy === 'off') return undefined;
  const offered = `${keyTypeOf(blob)} ${fingerprint(blob)}`;
  const where = `${options.hostName} (${options.address}:${options.port})`;
  if (known.revoked.some((key) => key.blob.equals(blob))) {
    return `${where} offered a REVOKED host key ${offered}; refusing to connect.`;
  }
  if (known.keys.some((key) => key.blob.equals(blob))) return undefined;
  if (known.keys.length > 0) {
    return (
      `${where} offered host key ${offered}, which does NOT match ${options.knownHostsFile}: ` +
      `the host was reinstalled or someone is intercepting the connection. If the change is expected, remove ` +
      `the old key (ssh-keygen -R '${options.port === 22 ? options.address : `[${options.address}]:${options.port}`}' -f ${options.knownHostsFile}) and connect again.`
    );
  }
  if (options.knownHostsPolicy === 'accept-new') return undefined;
  return (
    `${where} is not in ${options.knownHostsFile}; it offered host key ${offered}. Verify the fingerprint, ` +
    `then add it (ssh-keyscan -p ${options.port} ${options.address} >> ${options.knownHostsFile}) or run with --known-hosts accept-new.`
  );
}

function concatStdin(prefix: string | undefined, stdin: string | Buffer | undefined): Buffer | undefined {
  if (prefix === undefined && stdin === undefined) return undefined;
  return Buffer.concat([Buffer.from(prefix ?? ''), Buffer.from(stdin ?? '')]);
}

const signals: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15, PIPE: 13 };
function signalNumber(signal: string | null): number {
  return signal ? (signals[signal.replace(/^SIG/, '')] ?? 0) : 0;
}
