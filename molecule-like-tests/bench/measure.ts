// Shared by the bench's parts: timed child processes (wall time and peak RSS), summaries and the machine's load.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBosun } from '../../lib/testing/run-bosun.js';

export interface Timed {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size of the process in KiB, as GNU time reports it (getrusage's ru_maxrss). */
  maxRssKiB: number;
}

/** Runs a command under GNU time (`/usr/bin/time`), stdin closed; wall time is measured here, around it. */
export async function runTimed(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Timed> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const started = performance.now();
    // runBosun runs any command line given as its `cli`: here GNU time, then the command.
    const { code, stdout, stderr } = await runBosun(args, {
      cli: { command: '/usr/bin/time', args: ['-f', '%M', '-o', timeFile, command] },
      env: options.env,
      cwd: options.cwd,
      timeoutMs: options.timeoutMs ?? 20 * 60_000,
    });
    const wallMs = performance.now() - started;
    const lines = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n');
    return { code, stdout, stderr, wallMs, maxRssKiB: Number(lines[lines.length - 1]) || 0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** `12.34 (11.90–13.02)`: median, then min–max, in seconds. */
export const secondsRange = (s: Summary) => `${seconds(s.median)} (${seconds(s.min)}–${seconds(s.max)})`;

/** The 1, 5 and 15 minute load averages and the number of CPUs, for the record of a run. */
export function machineLoad(): string {
  const averages = loadavg().map((value) => value.toFixed(2));
  return `${averages.join(' ')} (${availableParallelism()} CPUs)`;
}

/** Every markdown table of the bench: a header row and rows of cells. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

let interrupted = false;
/** Set on SIGINT/SIGTERM: the parts stop between runs, and their hosts are removed. */
export const isInterrupted = () => interrupted;
export function onInterrupt(): void {
  const stop = () => {
    interrupted = true;
    process.stderr.write('\ninterrupted: removing the throwaway hosts...\n');
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
}
export function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

export const log = (line: string) => process.stderr.write(`${line}\n`);
