import type { ChalkInstance } from 'chalk';
import type { TaskResult } from '../engine/results.js';
import { colorizeDiff } from './diff.js';
import { banner, formatDuration, indentRest, plural, taskLabel } from './format.js';

export interface TaskLineOptions {
  check: boolean;
  verbose: boolean;
  style: ChalkInstance;
}

/** The section line a result is printed under: `TASK [role : task] ***` or `RUNNING HANDLER [...] ***`. */
export function taskHeader(result: TaskResult): string {
  return banner(`${result.handler ? 'RUNNING HANDLER' : 'TASK'} [${taskLabel(result)}]`);
}

/**
 * One task result as Ansible prints it (`ok: [web1]`, `changed: [web1]`, `failed: [web1] => why`,
 * `skipping: [web1]`), followed by what changed, indented, and the diff when there is one.
 */
export function formatTaskResult(result: TaskResult, options: TaskLineOptions): string[] {
  const { style } = options;
  const host = `[${result.host}]`;
  let head: string;
  switch (result.status) {
    case 'ok':
      head = style.green(`ok: ${host}`);
      break;
    case 'changed':
      head = style.yellow(`changed: ${host}${options.check ? wouldChange(result) : ''}`);
      break;
    case 'failed':
      head = style.red(`failed: ${host}`);
      break;
    case 'skipped':
      head = style.cyan(`skipping: ${host}`);
      break;
  }
  if (options.verbose) {
    const { kind, id } = result.resource;
    head += style.dim(
      ` [${kind} ${id}, ${formatDuration(result.durationMs)}, ${plural(result.roundTrips, 'round trip')}]`,
    );
  }
  if (result.message) {
    const message = ` => ${indentRest(result.message)}`;
    head += result.status === 'failed' ? style.red(message) : message;
  }
  const lines = [head];
  if (result.status === 'changed' || result.status === 'failed') {
    lines.push(...result.changes.map((change) => `    ${change}`));
  }
  if (result.ignored) lines.push(style.cyan('...ignoring'));
  if (result.diff) {
    const diff = result.diff.replace(/\n$/, '');
    lines.push(style.level > 0 ? colorizeDiff(diff) : diff);
  }
  return lines;
}

function wouldChange(result: TaskResult): string {
  return result.afterEarlierChanges ? ' (would change after earlier changes)' : ' (would change)';
}
