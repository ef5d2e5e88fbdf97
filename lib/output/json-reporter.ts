import type { HostRecap, Reporter, RunResult } from '../engine/results.js';
import { redactor as processRedactor, type Redactor } from '../secrets/redactor.js';
import type { ReporterOptions } from './reporter-options.js';
import { writeAll, type OutputStream } from './style.js';

/** Per-host counters under Ansible's json callback names, for scripts written against it. */
export interface JsonHostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failures: number;
  skipped: number;
  ignored: number;
}

/** The one document `--json` prints: the whole run, the stats per host and the warnings. */
export interface JsonReport extends RunResult {
  stats: Record<string, JsonHostStats>;
  warnings: { message: string; host?: string }[];
}

/**
 * Prints nothing while the run goes, then one JSON document on the stream, so stdout can be piped
 * to `jq`. Every string is redacted before serialising (a value escaped twice, such as a JSON file
 * inside a diff, is still caught) and the serialised text once more.
 */
export class JsonReporter implements Reporter {
  readonly #stream: OutputStream;
  readonly #redactor: Redactor;
  readonly #warnings: { message: string; host?: string }[] = [];

  constructor(options: Pick<ReporterOptions, 'stream' | 'redactor'> = {}) {
    this.#stream = options.stream ?? process.stdout;
    this.#redactor = options.redactor ?? processRedactor;
  }

  runStarted(): void {}
  playStarted(): void {}
  taskStarted(): void {}
  taskFinished(): void {}
  hostFinished(): void {}

  warn(message: string, host?: string): void {
    this.#warnings.push(host === undefined ? { message } : { message, host });
  }

  async runFinished(result: RunResult): Promise<void> {
    const report: JsonReport = {
      ...result,
      stats: Object.fromEntries(result.hosts.map((host) => [host.host, statsOf(host)])),
      warnings: this.#warnings,
    };
    const text = JSON.stringify(
      report,
      (_key, value: unknown) => (typeof value === 'string' ? this.#redactor.redact(value) : value),
      2,
    );
    await writeAll(this.#stream, this.#redactor.redact(text) + '\n');
  }
}

function statsOf(host: HostRecap): JsonHostStats {
  return {
    ok: host.ok,
    changed: host.changed,
    unreachable: host.unreachable ? 1 : 0,
    failures: host.failed,
    skipped: host.skipped,
    ignored: host.ignored,
  };
}
