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
  return checkedResult(transport.hostName, result, what, { code, hint });
}

/**
 * The result of a command that ran (a probe script's, say), or the TaskError runChecked throws for it when it
 * exited non-zero: the host, the step and the last lines it printed.
 */
export function checkedResult(
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

/** The last lines of a command's output: where tools print the reason they failed. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
