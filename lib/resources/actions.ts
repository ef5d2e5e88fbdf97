import type { ShellCommand } from '../transport/shell.js';
import type { StdinSource } from '../transport/stdin.js';
import type { UploadOptions } from '../transport/transport.js';

/** A shell command; a non-zero exit fails the task with `code`, naming `what` and the output's last lines. */
export interface RunAction {
  kind: 'run';
  command: string;
  /** What the command does, for the error message: 'installing nginx'. */
  what: string;
  /** The TaskError code of a failure: 'APT_FAILED', ... */
  code: string;
  stdin?: StdinSource;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** What the user can do about a failure, appended to the message. */
  hint?: string;
}

/** A file written atomically: temporary file beside the target, mode/owner, validate, rename. */
export interface UploadAction {
  kind: 'upload';
  path: string;
  content: string | Buffer;
  options: Omit<UploadOptions, 'become'>;
}

export type SystemctlVerb = 'daemon-reload' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** One systemctl operation; a failure reports `systemctl status` with the unit's last journal lines. */
export interface SystemctlAction {
  kind: 'systemctl';
  verb: SystemctlVerb;
  /** Absent for daemon-reload. */
  unit?: string;
}

/** An operation only its resource knows how to run (see `Resource.execute`), as data for plan tests. */
export interface CustomAction {
  kind: 'custom';
  /** What the resource's execute dispatches on: 'confirm-login', 'ship-images', ... */
  name: string;
  [detail: string]: unknown;
}

export type Action = RunAction | UploadAction | SystemctlAction | CustomAction;

export function run(
  command: string | ShellCommand,
  what: string,
  code: string,
  options: Omit<RunAction, 'kind' | 'command' | 'what' | 'code'> = {},
): RunAction {
  return { kind: 'run', command: String(command), what, code, ...options };
}

export function upload(
  path: string,
  content: string | Buffer,
  options: UploadAction['options'] = {},
): UploadAction {
  return { kind: 'upload', path, content, options };
}

export function systemctl(verb: SystemctlVerb, unit?: string): SystemctlAction {
  return verb === 'daemon-reload' ? { kind: 'systemctl', verb } : { kind: 'systemctl', verb, unit };
}

export function custom(name: string, detail: Record<string, unknown> = {}): CustomAction {
  return { kind: 'custom', name, ...detail };
}
