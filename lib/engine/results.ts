import type { TransportCounters } from '../transport/transport.js';

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped';

/** The outcome of one task (or handler) on one host. In check mode 'changed' means "would change". */
export interface TaskResult {
  host: string;
  play: string;
  /** The role the task belongs to; absent for a play's own tasks. */
  role?: string;
  task: string;
  /** 'file', 'apt', ... and what it manages. */
  resource: { kind: string; id: string };
  status: TaskStatus;
  /** What changed (or would change), one line each. */
  changes: string[];
  /** Unified diff of content changes, present with --diff; secrets already redacted. */
  diff?: string;
  /** Why it failed or was skipped; secrets already redacted. */
  message?: string;
  /** Check mode: the prediction assumes changes of earlier tasks in this run. */
  afterEarlierChanges?: boolean;
  /** The task is a handler, run because a task notified it. */
  handler?: boolean;
  /** A failure that `ignoreErrors` let the run go past. */
  ignored?: boolean;
  durationMs: number;
  /** SSH round trips the task took (probe and apply). */
  roundTrips: number;
}

/** One host's summary, as in Ansible's PLAY RECAP. */
export interface HostRecap {
  host: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  /** Failures that `ignoreErrors` let pass (not counted in `failed`). */
  ignored: number;
  unreachable: boolean;
  /** The task that failed the host, and why (or why it was unreachable); secrets redacted. */
  failure?: { task?: string; message: string; code: string };
  counters: TransportCounters;
  durationMs: number;
}

/** A recap with nothing counted yet: where every host starts. */
export function emptyRecap(host: string): HostRecap {
  return {
    host,
    ok: 0,
    changed: 0,
    failed: 0,
    skipped: 0,
    ignored: 0,
    unreachable: false,
    counters: { connectionsOpened: 0, commands: 0, bytesSent: 0, bytesReceived: 0 },
    durationMs: 0,
  };
}

export interface RunResult {
  playbook: string;
  check: boolean;
  diff: boolean;
  startedAt: string;
  durationMs: number;
  hosts: HostRecap[];
  tasks: TaskResult[];
}

/** Receives the run as it happens: the output layer implements it (progress, plain lines, JSON). */
export interface Reporter {
  runStarted(info: { playbook: string; hosts: string[]; check: boolean; diff: boolean }): void;
  playStarted(info: { play: string; hosts: string[] }): void;
  taskStarted(info: { host: string; play: string; role?: string; task: string }): void;
  taskFinished(result: TaskResult): void;
  hostFinished(recap: HostRecap): void;
  warn(message: string, host?: string): void;
  /** Called once; returns when everything is printed. */
  runFinished(result: RunResult): Promise<void>;
}
