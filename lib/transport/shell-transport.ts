import { constants } from 'node:os';
import { TaskError } from '../errors.js';
import { atomicUploadScript } from './atomic-upload.js';
import { killAfterSeconds, wrapCommand } from './command-wrapper.js';
import { commandStdin, type Stdin } from './stdin.js';
import type { ExecOptions, ExecResult, Transport, TransportCounters, UploadOptions } from './transport.js';

/** What one shell command returned, before decoding. */
export interface RunResult {
  code: number | null;
  /** Signal name (with or without `SIG`) when the command was killed. */
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

export interface BecomeSettings {
  /** Run every command through sudo unless the exec says otherwise. */
  enabled: boolean;
  /** The sudo password and the name of the secret it came from (named in messages, never the value). */
  password?: { secret: string; value: string };
}

/**
 * Asked once, when a password is configured: does sudo need it, and does it accept it? Sending a password
 * that sudo never reads would hand it to the command as input, so it is sent only when sudo asks for one.
 */
const becomeProbe =
  "if sudo -n -k true 2>/dev/null; then echo passwordless; else sudo -k -S -p '' true && echo password-accepted; fi";

/**
 * What every transport shares once it can run one shell command: cwd, env and sudo wrapping, the timeout
 * result, atomic upload, counters. SSH and local transports only supply `run`.
 */
export abstract class ShellTransport implements Transport {
  readonly counters: TransportCounters = {
    connectionsOpened: 0,
    commands: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
  private becomePassword?: Promise<string | undefined>;

  protected constructor(
    readonly hostName: string,
    private readonly become: BecomeSettings,
    /**
     * Whether the host enforces timeouts itself (coreutils `timeout` in the command); `run` then only gets
     * a later deadline, for a host that stopped answering. Otherwise `run` enforces the timeout.
     */
    private readonly timeoutOnHost: boolean,
  ) {}

  /** Runs one shell command line; at `timeoutMs`, stops it and its children and reports `timedOut`. */
  protected abstract run(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<RunResult>;
  abstract close(): Promise<void>;

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const become = options.become ?? this.become.enabled;
    return this.execAs(command, options, become ? { password: await this.sudoPassword() } : undefined);
  }

  /** Runs a command as the login user, or through sudo (with its password when it needs one). */
  private execAs(
    command: string,
    options: ExecOptions,
    sudo: { password?: string } | undefined,
  ): Promise<ExecResult> {
    const wrapped = wrapCommand(command, {
      cwd: options.cwd,
      env: options.env,
      timeoutMs: this.timeoutOnHost ? options.timeoutMs : undefined,
      become: sudo !== undefined,
      becomePassword: sudo?.password,
    });
    const stdin = commandStdin(wrapped.stdinPrefix, options.stdin, (bytes) => {
      this.counters.bytesSent += bytes;
    });
    return this.send(wrapped.command, stdin, options.timeoutMs);
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
      throw new TaskError(
        'UPLOAD_FAILED',
        `${this.hostName}: cannot write ${path}, the old file is unchanged: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`,
      );
    }
    return { backupPath: /^backup=(.*)$/m.exec(result.stdout)?.[1] };
  }

  private async send(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<ExecResult> {
    this.counters.commands += 1;
    this.counters.bytesSent += Buffer.byteLength(command);
    const started = Date.now();
    const deadline =
      timeoutMs === undefined || !this.timeoutOnHost ? timeoutMs : timeoutMs + (killAfterSeconds + 5) * 1000;
    const result = await this.run(command, stdin, deadline);
    this.counters.bytesReceived += result.stdout.length + result.stderr.length;
    // Decoded once, whole: a UTF-8 character may straddle two chunks.
    let stdout = result.stdout.toString();
    let stderr = result.stderr.toString();
    let code = result.code ?? 128 + signalNumber(result.signal);
    // `timeout` exits 124 after its TERM, 137 when it had to KILL.
    const stoppedOnHost =
      this.timeoutOnHost &&
      timeoutMs !== undefined &&
      (code === 124 || code === 137) &&
      Date.now() - started >= timeoutMs;
    if (result.timedOut || stoppedOnHost) {
      code = 124;
      stderr += `timed out after ${timeoutMs} ms\n`;
    }
    // The password only ever reaches sudo, but no output may show it, whatever a command prints.
    const secret = this.become.password?.value;
    if (secret) {
      stdout = stdout.replaceAll(secret, '********');
      stderr = stderr.replaceAll(secret, '********');
    }
    return { code, stdout, stderr };
  }

  /** The password to send with sudo, or undefined when it needs none; probed once per transport. */
  private sudoPassword(): Promise<string | undefined> {
    const password = this.become.password;
    if (!password) return Promise.resolve(undefined);
    this.becomePassword ??= this.execAs(
      becomeProbe,
      { stdin: `${password.value}\n`, timeoutMs: 30_000 },
      undefined,
    ).then((result) => {
      if (result.code === 0) return /passwordless/.test(result.stdout) ? undefined : password.value;
      const said = result.stderr.split('\n').filter((line) => line.trim());
      throw new TaskError(
        'BECOME_FAILED',
        `${this.hostName}: sudo refused the password from secret "${password.secret}": ` +
          `${said.join('; ') || `exit ${result.code}`}. Check the secret and that the user may use sudo.`,
      );
    });
    return this.becomePassword;
  }
}

function signalNumber(signal: string | null): number {
  if (!signal) return 0;
  return constants.signals[`SIG${signal.replace(/^SIG/, '')}` as NodeJS.Signals] ?? 0;
}
