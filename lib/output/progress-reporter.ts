import {
  DefaultRenderer,
  Listr,
  ListrLogger,
  PRESET_TIMER,
  ProcessOutput,
  type ListrTaskWrapper,
} from 'listr2';
import {
  emptyRecap,
  type HostRecap,
  type Reporter,
  type RunResult,
  type TaskResult,
  type TaskStatus,
} from '../engine/results.js';
import { redactor as processRedactor, type Redactor } from '../secrets/redactor.js';
import { taskLabel } from './format.js';
import { PlainReporter } from './plain-reporter.js';
import type { ReporterOptions } from './reporter-options.js';
import { colorEnabled, type OutputStream } from './style.js';

type RunInfo = Parameters<Reporter['runStarted']>[0];
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listr2's wrapper is generic over renderers we do not use
type HostTask = ListrTaskWrapper<unknown, any, any>;

/** The state of one host's row, kept apart from listr so events that arrive before its task starts are not lost. */
interface HostRow {
  counts: Record<TaskStatus, number>;
  current?: string;
  task?: HostTask;
  recap?: HostRecap;
  settle?: () => void;
}

/**
 * listr2's default renderer decides from process.stdout whether it may draw; this reporter was handed a
 * stream already known to be a terminal (createReporter checks), which may not be process.stdout.
 */
class StreamRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/**
 * A live view for terminals: one row per host with its current task and counts, then, once every host
 * is done, the changed and failed results (all results with -v) and warnings as PlainReporter prints
 * them, and the recap. Every string handed to listr goes through the redactor first.
 */
export class ProgressReporter implements Reporter {
  readonly #options: ReporterOptions & { stream: OutputStream; redactor: Redactor };
  readonly #rows = new Map<string, HostRow>();
  readonly #warnings: { message: string; host?: string }[] = [];
  #info: RunInfo | undefined;
  #rendering: Promise<unknown> = Promise.resolve();

  constructor(options: ReporterOptions = {}) {
    const stream = options.stream ?? process.stdout;
    this.#options = {
      ...options,
      stream,
      color: options.color ?? colorEnabled(stream.isTTY === true),
      redactor: options.redactor ?? processRedactor,
    };
  }

  runStarted(info: RunInfo): void {
    this.#info = info;
    const redact = (text: string) => this.#options.redactor.redact(text);
    const tasks = info.hosts.map((host) => {
      const row: HostRow = { counts: { ok: 0, changed: 0, failed: 0, skipped: 0 } };
      this.#rows.set(host, row);
      return {
        title: redact(host),
        task: (_ctx: unknown, task: HostTask) =>
          new Promise<void>((resolve, reject) => {
            row.task = task;
            row.settle = () =>
              failed(row.recap) ? reject(new Error(redact(failureText(row.recap)))) : resolve();
            this.#render(host, row);
            if (row.recap !== undefined) row.settle();
          }),
      };
    });
    const stream = this.#options.stream as NodeJS.WriteStream;
    // Only our stream is held back while listr draws: process.stderr stays live, so an error or the
    // CLI's "interrupted" is never swallowed by a view that an exit cuts short.
    const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream) });
    const listr = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: StreamRenderer,
      rendererOptions: { logger, timer: PRESET_TIMER, collapseErrors: false },
      fallbackRenderer: 'simple',
      fallbackRendererOptions: { logger },
    });
    // listr hides the cursor while drawing; a CLI exiting mid-run (Ctrl-C) must not leave it hidden.
    const showCursor = () => stream.write('\x1b[?25h');
    process.once('exit', showCursor);
    this.#rendering = listr.run().finally(() => process.removeListener('exit', showCursor));
  }

  playStarted(): void {
    // The rows show hosts, not plays; plays appear in the results printed at the end.
  }

  taskStarted(info: { host: string; role?: string; task: string }): void {
    const row = this.#rows.get(info.host);
    if (!row) return;
    row.current = taskLabel(info);
    this.#render(info.host, row);
  }

  taskFinished(result: TaskResult): void {
    const row = this.#rows.get(result.host);
    if (!row) return;
    row.counts[result.status]++;
    this.#render(result.host, row);
  }

  hostFinished(recap: HostRecap): void {
    const row = this.#rows.get(recap.host);
    if (!row || row.recap !== undefined) return;
    row.recap = recap;
    row.current = undefined;
    this.#render(recap.host, row);
    row.settle?.();
  }

  warn(message: string, host?: string): void {
    // Printed after the live view: a line written while listr redraws would be torn apart.
    this.#warnings.push({ message, host });
  }

  async runFinished(result: RunResult): Promise<void> {
    for (const [host, row] of this.#rows) {
      if (row.recap === undefined)
        this.hostFinished(result.hosts.find((h) => h.host === host) ?? emptyRecap(host));
    }
    await this.#rendering;
    const plain = new PlainReporter(this.#options);
    plain.runStarted(this.#info ?? { check: result.check });
    let play: string | undefined;
    for (const task of result.tasks) {
      if (!this.#options.verbose && task.status !== 'changed' && task.status !== 'failed') continue;
      if (task.play !== play) plain.playStarted({ play: (play = task.play) });
      plain.taskFinished(task);
    }
    for (const { message, host } of this.#warnings) plain.warn(message, host);
    await plain.runFinished(result);
  }

  #render(host: string, row: HostRow): void {
    if (!row.task) return;
    const { ok, changed, failed: failures, skipped } = row.recap ?? row.counts;
    const counts = `ok=${ok} changed=${changed} failed=${failures} skipped=${skipped}`;
    const redact = (text: string) => this.#options.redactor.redact(text);
    if (row.recap !== undefined) {
      row.task.title = redact(`${host}  ${row.recap.unreachable ? 'unreachable' : counts}`);
      row.task.output = '';
    } else {
      row.task.title = redact(`${host}  ${counts}`);
      row.task.output = row.current ? redact(row.current) : '';
    }
  }
}

function failed(recap: HostRecap | undefined): recap is HostRecap {
  return !!recap && (recap.unreachable || recap.failed > 0);
}

function failureText(recap: HostRecap): string {
  const failure = recap.failure;
  if (!failure) return `${recap.host}: ${recap.failed} failed`;
  return `${failure.task ? `[${failure.task}] ` : ''}${failure.message}`;
}
