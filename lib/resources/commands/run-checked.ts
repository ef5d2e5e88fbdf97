import { TaskError } from '../../errors.js';
import type { ShellCommand } from '../../transport/shell.js';
import type { ExecOptions, ExecResult, Transport } from '../../transport/transport.js';

export interface RunCheckedOptions extends ExecOptions {
  /** Error code of the TaskError raised on a non-zero exit. */
  code: string;
  /** What the user can do about a failure, appended to the message. */
  hint?: string;
}

/** Runs a command and turns a non-zero exit into a TaskError naming the host, the step and the last lines it printed. */
export async function runChecked(
  transport: Transport,
  command: string | ShellCommand,
  what: string,
  options: RunCheckedOptions,
): Promise<ExecResult> {
  const { code, hint, ...execOptions } = options;
  const result = await transport.exec(String(command), execOptions);
  return checkExit(transport.hostName, result, what, { code, hint });
}

/**
 * The result of a command that ran (alone or in a batch of probes), or the TaskError runChecked throws for
 * a non-zero exit: what a probe's parser calls first when the exit status matters.
 */
export function checkExit(
  hostName: string,
  result: ExecResult,
  what: string,
  { code, hint }: Pick<RunCheckedOptions, 'code' | 'hint'>,
): ExecResult {
  if (result.code !== 0) {
    const output = lastLines(result.stderr.trim() ? result.stderr : result.stdout, 20);
    throw new TaskError(
      code,
      `${hostName}: ${what} failed (exit ${result.code})${output ? `:\n${output}` : ''}${hint ? `\n${hint}` : ''}`,
    );
  }
  return result;
}

/** For a task that does not run as root, the hint of a failure: `why` ('apt needs root'), and what to do. */
export function rootHint(asRoot: boolean, why: string): { hint?: string } {
  return asRoot ? {} : { hint: `${why}: connect as root or set become.` };
}

/** The last lines of a command's output: where tools print the reason they failed. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
