import type { StdinSource } from './stdin.js';

/** What a command needs besides its text. */
export interface ExecOptions {
  /**
   * Written to the command's standard input, then closed. A stream is sent as it is read, never held in
   * memory whole; if it fails, the command's input ends there and the stream's owner reports the error.
   */
  stdin?: StdinSource;
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the command and fail after this many milliseconds. */
  timeoutMs?: number;
  /** Run through sudo; defaults to the connection's own `become` setting. */
  become?: boolean;
}

export interface ExecResult {
  /** Exit status; a command killed by a signal reports 128 + signal number, as a shell does. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface UploadOptions {
  /** Octal mode such as '0644'. */
  mode?: string;
  owner?: string;
  group?: string;
  /**
   * Shell command run on the temporary file before it replaces the target; `%s` stands for its path
   * (as Ansible's `validate`). A non-zero exit leaves the old file in place and fails the upload.
   */
  validate?: string;
  /** Keep the replaced file as PATH.TIMESTAMP~ (Ansible's `backup: yes`); the backup path is returned. */
  backup?: boolean;
  become?: boolean;
}

export interface TransportCounters {
  connectionsOpened: number;
  /** Round trips: every exec or upload is one command on the open connection. */
  commands: number;
  bytesSent: number;
  bytesReceived: number;
}

/** A connected host: one connection, many commands over it. */
export interface Transport {
  /** The inventory name of the host this transport reaches. */
  readonly hostName: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /**
   * Write a file atomically in one round trip: content to a temporary file beside the target,
   * mode/owner set, `validate` run, then renamed over the target.
   */
  upload(path: string, content: string | Buffer, options?: UploadOptions): Promise<{ backupPath?: string }>;
  readonly counters: TransportCounters;
  /** The host key this connection verified (SSH only): proof a fresh login on another port may rely on. */
  readonly hostKey?: Buffer;
  close(): Promise<void>;
}
