import type { ChalkInstance } from 'chalk';
import type { Reporter, RunResult, TaskResult } from '../engine/results.js';
import { redactor as processRedactor, type Redactor } from '../secrets/redactor.js';
import { banner, indentRest } from './format.js';
import { formatRecap } from './recap.js';
import type { ReporterOptions } from './reporter-options.js';
import { colorEnabled, createStyle, writeAll, type OutputStream } from './style.js';
import { formatTaskResult, taskHeader } from './task-lines.js';

/**
 * Ansible-like lines for CI logs and other non-terminals. Hosts run in parallel, so each result is
 * printed as soon as it arrives, under a `TASK [...]` line that is repeated whenever the previous
 * line belonged to another task: every result line stays next to the name of its task.
 */
export class PlainReporter implements Reporter {
  readonly #stream: OutputStream;
  readonly #style: ChalkInstance;
  readonly #verbose: boolean;
  readonly #redactor: Redactor;
  #check = false;
  #lastHeader: string | undefined;

  constructor(options: ReporterOptions = {}) {
    this.#stream = options.stream ?? process.stdout;
    this.#style = createStyle(options.color ?? colorEnabled(this.#stream.isTTY === true));
    this.#verbose = Boolean(options.verbose);
    this.#redactor = options.redactor ?? processRedactor;
  }

  runStarted(info: { check: boolean }): void {
    this.#check = info.check;
    if (info.check)
      this.#print(this.#style.bold('CHECK MODE: nothing is changed; "changed" means "would change"'));
  }

  playStarted(info: { play: string }): void {
    this.#print('', banner(`PLAY [${info.play}]`));
    this.#lastHeader = undefined;
  }

  taskStarted(): void {
    // Results are printed when they finish: with parallel hosts a start line would be separated from its result.
  }

  taskFinished(result: TaskResult): void {
    const header = `${result.play}\0${taskHeader(result)}`;
    if (header !== this.#lastHeader) {
      this.#print('', taskHeader(result));
      this.#lastHeader = header;
    }
    this.#print(
      ...formatTaskResult(result, { check: this.#check, verbose: this.#verbose, style: this.#style }),
    );
  }

  hostFinished(): void {
    // The recap names every failed or unreachable host with its reason.
  }

  warn(message: string, host?: string): void {
    this.#print(this.#style.magenta(`[WARNING]: ${host ? `${host}: ` : ''}${indentRest(message)}`));
  }

  async runFinished(result: RunResult): Promise<void> {
    const lines = formatRecap(result, { verbose: this.#verbose, style: this.#style });
    await writeAll(this.#stream, this.#redactor.redact(lines.join('\n') + '\n'));
  }

  /** The one place this reporter writes: everything goes through the redactor. */
  #print(...lines: string[]): void {
    this.#stream.write(this.#redactor.redact(lines.join('\n') + '\n'));
  }
}
