import { parseKeyValues } from '../../facts/key-values.js';
import { sh, type ShellCommand } from '../../transport/shell.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';
import { checkExit } from './run-checked.js';

export interface CommandOptions {
  /**
   * The shell command. A plain string runs as written (trusted text); build it with `sh` whenever it
   * contains values, so that each value stays one literal argument.
   */
  run: string | ShellCommand;
  /** Skip when this path exists (Ansible's `creates`); relative to `cwd`. */
  creates?: string;
  /** Skip unless this path exists (Ansible's `removes`). */
  removes?: string;
  /** Skip when this probe command succeeds (Puppet's `unless`). It also runs in check mode: it must change nothing. */
  unless?: string | ShellCommand;
  /** Run only when this probe command succeeds (Puppet's `onlyif`). It also runs in check mode. */
  onlyIf?: string | ShellCommand;
  /** Working directory (Ansible's `chdir`). */
  cwd?: string;
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  stdin?: string | Buffer;
}

/** The guards' answers; a guard that was not given stays undefined. */
export interface CommandState {
  cwdMissing: boolean;
  createsExists?: boolean;
  removesExists?: boolean;
  unlessCode?: number;
  onlyIfCode?: number;
}

export interface CommandDesired {
  run: string;
  creates?: string;
  removes?: string;
  unless?: string;
  onlyIf?: string;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string | Buffer;
}

/**
 * Runs a shell command, guarded so that it runs only when needed (Ansible's `command`/`shell` with
 * `creates`/`removes`, Puppet's `exec` with `unless`/`onlyif`). Without a guard it runs every time and always
 * reports a change. All guards are answered in one round trip; with none, the probe costs nothing.
 * A non-zero exit fails the task with the exit code and the command's last lines of stderr.
 *
 * + run: the command (a string, or an `sh` template)
 * + creates / removes: path guards
 * + unless / onlyIf: command guards (exit 0 = true)
 * + cwd, env, stdin: how the command runs
 *
 * Plan line: `run: <command>`.
 *
 * @example
 * command({ run: sh`tar -xzf ${archive} -C /opt`, creates: '/opt/app/bin/app' })
 * command({ run: 'ufw --force enable', unless: "ufw status | grep -q 'Status: active'" })
 */
export function command(options: CommandOptions): Resource<CommandState> {
  const desired: CommandDesired = {
    run: String(options.run),
    creates: options.creates,
    removes: options.removes,
    unless: options.unless === undefined ? undefined : String(options.unless),
    onlyIf: options.onlyIf === undefined ? undefined : String(options.onlyIf),
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin,
  };

  return {
    kind: 'command',
    id: desired.run,
    probe(ctx) {
      const script = guardScript(desired);
      // Without guards there is nothing to read: no script, so nothing in the batch either.
      if (script === undefined) return Promise.resolve({ cwdMissing: false });
      return {
        script,
        env: options.env,
        parse: (result) =>
          parseGuards(
            checkExit(ctx.transport.hostName, result, 'probing the guards of a command', {
              code: 'PROBE_FAILED',
            }).stdout,
            desired,
          ),
      };
    },
    plan: (current) => planCommand(current, desired),
  };
}

/** The guards' answers, from what the guard script printed. */
export function parseGuards(output: string, desired: CommandDesired): CommandState {
  const values = parseKeyValues(output);
  const code = (key: string) => (values.has(key) ? Number(values.get(key)) : undefined);
  const flag = (key: string, given: unknown) => (given === undefined ? undefined : values.get(key) === '1');
  return {
    cwdMissing: values.has('cwd_missing'),
    createsExists: flag('creates', desired.creates),
    removesExists: flag('removes', desired.removes),
    unlessCode: code('unless'),
    onlyIfCode: code('only_if'),
  };
}

/** The plan of a command: pure, from the guards' answers. */
export function planCommand(current: CommandState, desired: CommandDesired): Plan {
  if (!current.cwdMissing) {
    if (desired.creates !== undefined && current.createsExists) return noChange();
    if (desired.removes !== undefined && !current.removesExists) return noChange();
    if (desired.unless !== undefined && current.unlessCode === 0) return noChange();
    if (desired.onlyIf !== undefined && current.onlyIfCode !== 0) return noChange();
  }
  // The working directory as the transport would set it (`cd DIR || exit 1`), inside the action's command.
  const inCwd = desired.cwd === undefined ? '' : `${sh`cd -- ${desired.cwd}`} || exit 1\n`;
  return {
    actions: [
      run(`${inCwd}${desired.run}`, `command \`${desired.run}\``, 'COMMAND_FAILED', {
        ...(desired.env ? { env: desired.env } : {}),
        ...(desired.stdin === undefined ? {} : { stdin: desired.stdin }),
      }),
    ],
    changes: [`run: ${desired.run}`],
    // Guards cannot be answered in a directory that an earlier task has yet to create.
    ...(current.cwdMissing ? { needsEarlierChanges: `directory ${desired.cwd} does not exist yet` } : {}),
  };
}

/** One script answering every guard (from `cwd`, as the command would see it), or undefined with none to answer. */
function guardScript(desired: CommandDesired): string | undefined {
  const lines: string[] = [];
  if (desired.cwd !== undefined)
    lines.push(String(sh`cd -- ${desired.cwd} 2>/dev/null || { echo cwd_missing=1; exit 0; }`));
  if (desired.creates !== undefined) lines.push(String(sh`[ -e ${desired.creates} ] && echo creates=1`));
  if (desired.removes !== undefined) lines.push(String(sh`[ -e ${desired.removes} ] && echo removes=1`));
  // Each probe runs in a subshell: its `exit` or `cd` cannot end or move this script.
  if (desired.unless !== undefined)
    lines.push(`( ${desired.unless}\n) </dev/null >/dev/null 2>&1; echo "unless=$?"`);
  if (desired.onlyIf !== undefined)
    lines.push(`( ${desired.onlyIf}\n) </dev/null >/dev/null 2>&1; echo "only_if=$?"`);
  if (lines.length === 0) return undefined;
  return `${lines.join('\n')}\nexit 0`;
}
