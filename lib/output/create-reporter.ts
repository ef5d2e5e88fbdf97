import type { Reporter } from '../engine/results.js';
import { JsonReporter } from './json-reporter.js';
import { PlainReporter } from './plain-reporter.js';
import type { ReporterOptions } from './reporter-options.js';
import { colorEnabled } from './style.js';

export interface CreateReporterOptions extends ReporterOptions {
  /** --json: one JSON document at the end, nothing else on the stream. */
  json?: boolean;
  /** Defaults to whether the stream is a terminal. */
  tty?: boolean;
  /** Defaults to the CI environment variable being set (and not "false" or "0"). */
  ci?: boolean;
}

/**
 * JSON when asked; the live progress view on a terminal outside CI; plain lines everywhere else.
 * Asynchronous because the progress view (listr2) is imported only when it is the one picked.
 */
export async function createReporter(options: CreateReporterOptions = {}): Promise<Reporter> {
  const stream = options.stream ?? process.stdout;
  if (options.json) return new JsonReporter({ stream, redactor: options.redactor });
  const tty = options.tty ?? stream.isTTY === true;
  const ci = options.ci ?? isCi(process.env);
  const color = options.color ?? colorEnabled(tty);
  const reporterOptions = { stream, color, verbose: options.verbose, redactor: options.redactor };
  if (!tty || ci) return new PlainReporter(reporterOptions);
  const { ProgressReporter } = await import('./progress-reporter.js');
  return new ProgressReporter(reporterOptions);
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
}
