import type { ExecOptions } from './transport.js';
import { sh, raw, type ShellCommand } from './shell.js';

export interface WrappedCommand {
  command: string;
  /** Sent before the caller's stdin: sudo reads its password from there (`sudo -S`). */
  stdinPrefix?: string;
}

/**
 * Turns a command and its options into the one line sent over SSH. cwd and env go into the command
 * itself because sshd refuses most `env` requests (AcceptEnv); become wraps everything in sudo so that
 * cwd and env apply to the elevated shell.
 */
export function wrapCommand(
  command: string,
  options: Pick<ExecOptions, 'cwd' | 'env'> & { become?: boolean; becomePassword?: string },
): WrappedCommand {
  const parts: ShellCommand[] = [];
  if (options.cwd) parts.push(sh`cd ${options.cwd} &&`);
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      throw new TypeError(`invalid environment variable name: ${key}`);
    parts.push(sh`export ${raw(key)}=${value};`);
  }
  parts.push(raw(command));
  const script = parts.map(String).join(' ');
  if (!options.become) return { command: script };
  if (options.becomePassword === undefined) return { command: String(sh`sudo -n -H -- sh -c ${script}`) };
  // -p '' keeps sudo's prompt out of stderr; the password is the first line sudo reads on stdin.
  return {
    command: String(sh`sudo -S -p '' -H -- sh -c ${script}`),
    stdinPrefix: `${options.becomePassword}\n`,
  };
}
