import type { ExecOptions } from './transport.js';
import { sh, raw, type ShellCommand } from './shell.js';

export interface WrappedCommand {
  command: string;
  /** Sent before the caller's stdin: sudo reads its password from there (`sudo -S`). */
  stdinPrefix?: string;
}

/** How long `timeout` waits after its TERM before it sends KILL. */
export const killAfterSeconds = 2;

/**
 * Turns a command and its options into the one line sent over SSH. cwd and env go into the command
 * itself because sshd refuses most `env` requests (AcceptEnv). `timeoutMs` makes the host enforce the
 * timeout with coreutils `timeout`, which stops the command's whole process group, inside sudo so that it
 * may stop root's processes. become wraps everything in sudo so that cwd and env apply to the elevated shell.
 */
export function wrapCommand(
  command: string,
  options: Pick<ExecOptions, 'cwd' | 'env' | 'timeoutMs'> & { become?: boolean; becomePassword?: string },
): WrappedCommand {
  const parts: ShellCommand[] = [];
  // Each on its own line: a failed `cd` must stop the command, whatever the command's own lines are.
  if (options.cwd) parts.push(sh`cd ${options.cwd} || exit 1`);
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new TypeError(`invalid environment variable name: ${key}`);
    parts.push(sh`export ${raw(key)}=${value}`);
  }
  parts.push(raw(command));
  let script = parts.map(String).join('\n');
  if (options.timeoutMs !== undefined) {
    script = String(sh`timeout -k ${killAfterSeconds} ${options.timeoutMs / 1000} sh -c ${script}`);
  }
  if (!options.become) return { command: script };
  if (options.becomePassword === undefined) return { command: String(sh`sudo -n -H -- sh -c ${script}`) };
  // -p '' keeps sudo's prompt out of stderr; the password is the first line sudo reads on stdin. -k makes
  // sudo read it even with a cached credential: otherwise the password would become the command's input.
  return {
    command: String(sh`sudo -k -S -p '' -H -- sh -c ${script}`),
    stdinPrefix: `${options.becomePassword}\n`,
  };
}
