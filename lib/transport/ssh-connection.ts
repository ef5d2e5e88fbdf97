import { setTimeout as delay } from 'node:timers/promises';
import ssh2, { type Client, type ClientChannel } from 'ssh2';
import { UnreachableError } from '../errors.js';
import { HostKeyVerifier } from './host-key-verifier.js';
import type { RunResult } from './shell-transport.js';
import { sendStdin, type Stdin } from './stdin.js';
import type { SshEndpoint } from './ssh-endpoint.js';

/** sshd allows 10 sessions per connection by default (MaxSessions): stay below it, queue the rest. */
const defaultMaxChannels = 8;
const channelAttempts = 20;
const retryDelayMs = 1_000;
const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);
/** ssh2's channel open failure reason when the jump host could not connect to the next hop. */
const forwardConnectFailed = 2;

type Ssh2Error = Error & { code?: string | number; level?: string; reason?: number };

/**
 * One authenticated SSH connection (ssh2) to one endpoint, possibly tunnelled through another: the host key
 * checked by policy, one retry on a transient failure, and every command a channel on it.
 */
export class SshConnection {
  /** Why the connection is gone, once it is. */
  private lost?: string;
  private channels = 0;
  private maxChannels = defaultMaxChannels;
  private readonly waiting: (() => void)[] = [];
  /** What the policy `off` owes the user, if anything. */
  warning?: string;
  /** The host key verified in the handshake. */
  hostKey?: Buffer;

  private constructor(
    readonly endpoint: SshEndpoint,
    private readonly client: Client,
  ) {
    // Without a listener, an error after the handshake (keepalive timeout, reset) would crash the process.
    client.on('error', (error: Error) => (this.lost ??= error.message));
    client.on('close', () => (this.lost ??= 'the server closed the connection'));
  }

  /** Opens the connection, directly or through `via` (the previous ProxyJump hop). */
  static async open(endpoint: SshEndpoint, via?: SshConnection): Promise<SshConnection> {
    const verifier = await HostKeyVerifier.load(endpoint);
    for (let attempt = 1; ; attempt += 1) {
      let client: Client;
      try {
        const sock = via ? await via.forward(endpoint.address, endpoint.port) : undefined;
        client = await handshake(endpoint, verifier, sock);
      } catch (error) {
        if (verifier.refusal) {
          throw new UnreachableError('HOST_KEY_REFUSED', verifier.refusal, { cause: error });
        }
        if (attempt === 1 && isTransient(error as Ssh2Error)) {
          await delay(retryDelayMs);
          continue;
        }
        throw failure(endpoint, verifier, error as Ssh2Error & { authProblems?: string[] }, via, attempt);
      }
      const connection = new SshConnection(endpoint, client);
      connection.hostKey = verifier.offeredKey;
      try {
        connection.warning = await verifier.settle();
      } catch (error) {
        connection.close();
        throw error;
      }
      return connection;
    }
  }

  /**
   * Runs one command on a new channel; stdin is written then closed. sshd refuses a session beyond MaxSessions
   * and frees one only after the channel closed, a little later: on a refusal, lower the limit to what the
   * server bore and try again shortly.
   */
  async exec(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<RunResult> {
    while (this.channels >= this.maxChannels) await new Promise<void>((wake) => this.waiting.push(wake));
    this.channels += 1;
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.execOnce(command, stdin, timeoutMs);
        } catch (error) {
          if (error instanceof UnreachableError) throw error;
          // sshd refuses with CONNECT_FAILED, "open failed"; any refusal of a session is worth a retry.
          if ((error as Ssh2Error).reason === undefined || attempt === channelAttempts) {
            throw new UnreachableError(
              'SSH_CHANNEL_FAILED',
              `${this.endpoint.name}: the SSH server refused a new session (${(error as Error).message}); check MaxSessions in its sshd_config.`,
            );
          }
          this.maxChannels = Math.max(1, this.channels - 1);
          await delay(25 * attempt);
        }
      }
    } finally {
      this.channels -= 1;
      this.waiting.shift()?.();
    }
  }

  /** One channel; rejects with ssh2's own error when the server refuses to open it. */
  private execOnce(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(this.lostError());
      try {
        this.client.exec(command, (error, channel) => {
          if (error) return reject(this.lost ? this.lostError() : error);
          // Listeners go on at once: ssh2 may deliver the whole exchange in the same tick as the open.
          collect(channel, stdin, timeoutMs, resolve, () => reject(this.lostError()));
        });
      } catch (error) {
        this.lost ??= (error as Error).message;
        reject(this.lostError());
      }
    });
  }

  /** A stream to `address:port` as this host sees it: the socket for the next ProxyJump hop. */
  forward(address: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(this.lostError());
      this.client.forwardOut('127.0.0.1', 0, address, port, (error, stream) =>
        error ? reject(error) : resolve(stream),
      );
    });
  }

  close(): void {
    this.lost ??= 'the transport was closed';
    this.client.end();
  }

  private lostError(): UnreachableError {
    const { name, user, address, port } = this.endpoint;
    return new UnreachableError(
      'SSH_CONNECTION_LOST',
      `${name}: the SSH connection to ${user}@${address}:${port} was lost (${this.lost ?? 'the channel closed without an exit status'}).`,
    );
  }
}

/** One SSH handshake and authentication; rejects with ssh2's error (plus the non-fatal problems it saw). */
function handshake(endpoint: SshEndpoint, verifier: HostKeyVerifier, sock?: ClientChannel): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const authProblems: string[] = [];
    const fail = (error: Error): void => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.destroy();
      reject(Object.assign(error, { authProblems }));
    };
    client.on('error', (error: Ssh2Error) => {
      // ssh2 reports these and goes on with the next key or method.
      if (error.level === 'agent' || error.message.startsWith('Error signing data')) {
        authProblems.push(error.message);
        return;
      }
      fail(error);
    });
    client.on('close', () =>
      fail(
        Object.assign(new Error('the server closed the connection during the handshake'), {
          code: 'ECONNRESET',
        }),
      ),
    );
    client.once('ready', () => {
      client.removeAllListeners();
      resolve(client);
    });
    try {
      client.connect({
        host: endpoint.address,
        port: endpoint.port,
        username: endpoint.user,
        privateKey: endpoint.privateKey?.text,
        agent: endpoint.agent,
        sock,
        readyTimeout: endpoint.connectTimeoutMs,
        keepaliveInterval: endpoint.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: verifier.verify,
        algorithms: verifier.algorithms ? { serverHostKey: verifier.algorithms as never } : undefined,
      });
    } catch (error) {
      fail(error as Error);
    }
  });
}

function isTransient(error: Ssh2Error): boolean {
  return (
    transientCodes.has(String(error.code)) ||
    error.level === 'client-timeout' ||
    error.reason === forwardConnectFailed
  );
}

function failure(
  endpoint: SshEndpoint,
  verifier: HostKeyVerifier,
  error: Ssh2Error & { authProblems?: string[] },
  via: SshConnection | undefined,
  attempts: number,
): UnreachableError {
  const { name, user, address, port } = endpoint;
  const target = `${user}@${address}:${port}${via ? ` through ${via.endpoint.name}` : ''}`;
  if (error.level === 'client-authentication') {
    const tried = [
      endpoint.privateKey && `the key ${endpoint.privateKey.file}`,
      endpoint.agent && `the SSH agent (SSH_AUTH_SOCK=${endpoint.agent})`,
    ].filter(Boolean);
    const problems = error.authProblems?.length ? ` (${error.authProblems.join('; ')})` : '';
    return new UnreachableError(
      'SSH_AUTH_FAILED',
      `${name}: SSH authentication failed for ${target}; tried ${tried.length ? tried.join(' and ') : 'no key and no SSH agent'}${problems}. ` +
        `Check the user (bosun_user or User in the ssh config), the key (bosun_private_key_file or IdentityFile), ` +
        `and that its public key is in ~${user}/.ssh/authorized_keys on the host.`,
      { cause: error },
    );
  }
  if (/no matching host key/i.test(error.message) && verifier.algorithms) {
    return new UnreachableError('HOST_KEY_REFUSED', verifier.noMatchingKeyType(), { cause: error });
  }
  const reason =
    error.level === 'client-timeout'
      ? `no SSH handshake within ${endpoint.connectTimeoutMs} ms (ConnectTimeout)`
      : error.message;
  return new UnreachableError(
    'SSH_CONNECT_FAILED',
    `${name}: cannot connect to ${target}: ${reason}${attempts > 1 ? ' (also on a second attempt)' : ''}. ` +
      'Check that the host is up, its address and port, and that sshd runs.',
    { cause: error },
  );
}

/** Feeds stdin, gathers output and the exit status; at the deadline, closes the channel and answers at once. */
function collect(
  channel: ClientChannel,
  stdin: Stdin | undefined,
  timeoutMs: number | undefined,
  done: (result: RunResult) => void,
  lost: () => void,
): void {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let exit: { code: number | null; signal: string | null } | undefined;
  const finish = (timedOut: boolean): void =>
    done({
      code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      stdout: Buffer.concat(stdout),
      stderr: Buffer.concat(stderr),
      timedOut,
    });
  channel.on('data', (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  channel.on('exit', (code: number | null, signal?: string) => {
    exit = { code, signal: signal ?? null };
  });
  const input = sendStdin(stdin, channel);
  // The host stops a command at its timeout (`timeout` in the command line); this deadline is for a host
  // that stopped answering, so it does not wait for the channel to close.
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          channel.removeAllListeners('close');
          channel.close();
          input.stop();
          finish(true);
        }, timeoutMs);
  channel.on('close', () => {
    clearTimeout(timer);
    input.stop();
    if (exit) finish(false);
    else lost();
  });
}
