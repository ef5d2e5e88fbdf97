import type { ChalkInstance } from 'chalk';
import type { HostRecap, RunResult } from '../engine/results.js';
import { banner, formatBytes, formatDuration, indentRest, plural } from './format.js';

export interface RecapOptions {
  verbose: boolean;
  style: ChalkInstance;
}

/**
 * Ansible's PLAY RECAP (`web1 : ok=3 changed=1 unreachable=0 failed=0 skipped=1 ignored=0`), then one line per
 * failed or unreachable host naming the task and the reason; with -v, transport counters per host.
 */
export function formatRecap(result: RunResult, options: RecapOptions): string[] {
  const { style } = options;
  const width = Math.max(26, ...result.hosts.map((h) => h.host.length));
  const lines = ['', banner('PLAY RECAP')];
  for (const host of result.hosts) {
    const counter = (name: string, count: number, color: ChalkInstance) => {
      const text = `${name}=${String(count).padEnd(4)}`;
      return count > 0 ? color(text) : text;
    };
    const counters = [
      counter('ok', host.ok, style.green),
      counter('changed', host.changed, style.yellow),
      counter('unreachable', host.unreachable ? 1 : 0, style.red),
      counter('failed', host.failed, style.red),
      counter('skipped', host.skipped, style.cyan),
      counter('ignored', host.ignored, style.blue),
    ];
    lines.push(`${hostColor(host, style)(host.host.padEnd(width))} : ${counters.join(' ').trimEnd()}`);
    if (options.verbose) lines.push(style.dim(`    ${transportSummary(host)}`));
  }
  const failures = result.hosts.filter((h) => h.failure);
  if (failures.length > 0) {
    lines.push('');
    for (const host of failures) lines.push(style.red(failureLine(host)));
  }
  if (options.verbose) {
    lines.push(
      '',
      style.dim(`${result.check ? 'Check run' : 'Run'} finished in ${formatDuration(result.durationMs)}`),
    );
  }
  return lines;
}

function hostColor(host: HostRecap, style: ChalkInstance): ChalkInstance {
  if (host.unreachable || host.failed > 0) return style.red;
  return host.changed > 0 ? style.yellow : style.green;
}

function failureLine(host: HostRecap): string {
  const failure = host.failure!;
  const where = host.unreachable
    ? 'unreachable'
    : failure.task
      ? `failed at task [${failure.task}]`
      : 'failed';
  return `${host.host}: ${where}: ${indentRest(failure.message)} (${failure.code})`;
}

function transportSummary(host: HostRecap): string {
  const c = host.counters;
  return [
    plural(c.connectionsOpened, 'connection'),
    plural(c.commands, 'round trip'),
    `${formatBytes(c.bytesSent)} sent`,
    `${formatBytes(c.bytesReceived)} received`,
    formatDuration(host.durationMs),
  ].join(', ');
}
