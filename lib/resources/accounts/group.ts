import { sh, raw, ShellCommand } from '../../transport/shell.js';
import { accountId, accountName } from './account-name.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';
import { checkExit, rootHint } from '../commands/run-checked.js';

export interface GroupOptions {
  /** Group name. */
  name: string;
  /** Numeric gid; unset lets groupadd pick one (and leaves an existing group's gid as it is). */
  gid?: number;
  /** Create it as a system group (gid below 1000, `groupadd --system`); only used at creation. */
  system?: boolean;
  /** 'present' (default) or 'absent'. */
  state?: 'present' | 'absent';
}

/** What `getent group` says. */
export interface GroupState {
  exists: boolean;
  gid?: number;
  /** Members listed in /etc/group (supplementary members; primary members are not listed there). */
  members: string[];
  /** The tasks run as root: otherwise a failure says that managing groups needs it. */
  asRoot: boolean;
}

export interface GroupDesired {
  name: string;
  gid?: number;
  system: boolean;
  state: 'present' | 'absent';
}

/**
 * A local group (Ansible's `group`, pyinfra's `server.group`). Probes with one `getent group`, so groups
 * from NSS sources other than /etc/group are seen too; creates with `groupadd`, changes the gid with
 * `groupmod` (files owned by the old gid keep it) and removes with `groupdel`.
 *
 * + name: the group
 * + gid: the wanted numeric id
 * + system: create a system group
 * + state: 'present' (default) or 'absent'
 *
 * Plan lines: `create group deploy (gid 1500, system)`, `gid 1001 → 1500`, `remove group deploy`.
 *
 * @example
 * group({ name: 'deploy', gid: 1500 })
 * group({ name: 'backup', system: true })
 * group({ name: 'oldteam', state: 'absent' })
 */
export function group(options: GroupOptions): Resource<GroupState> {
  const where = `group ${String(options.name)}`;
  const desired: GroupDesired = {
    name: accountName(options.name, 'group'),
    gid: accountId(options.gid, where),
    system: options.system ?? false,
    state: options.state ?? 'present',
  };
  const { name } = desired;

  return {
    kind: 'group',
    id: name,
    probe: (ctx) => ({
      script: String(sh`getent group ${name} || true`),
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, `probing ${where}`, {
          code: 'PROBE_FAILED',
        });
        return { ...parseGroupEntry(stdout, name), asRoot: ctx.facts.isRoot };
      },
    }),
    plan: (current) => planGroup(current, desired),
  };
}

/** The plan of a group: pure, from `getent group` and the wanted group; one command makes the change. */
export function planGroup(current: GroupState, desired: GroupDesired): Plan {
  const { name, gid } = desired;
  const change = (line: string, command: ShellCommand): Plan => ({
    actions: [
      run(command, `changing group ${name}`, 'GROUP_FAILED', {
        ...rootHint(current.asRoot, 'managing groups needs root'),
      }),
    ],
    changes: [line],
  });
  if (desired.state === 'absent')
    return current.exists ? change(`remove group ${name}`, sh`groupdel ${name}`) : noChange();
  if (!current.exists) {
    const details = [gid !== undefined && `gid ${gid}`, desired.system && 'system'].filter(Boolean);
    const flags = [gid !== undefined && sh`-g ${String(gid)}`, desired.system && raw('-r')].filter(
      (flag) => flag instanceof ShellCommand,
    );
    return change(
      `create group ${name}${details.length ? ` (${details.join(', ')})` : ''}`,
      sh`groupadd ${[...flags, name]}`,
    );
  }
  if (gid !== undefined && current.gid !== gid)
    return change(`gid ${current.gid} → ${gid}`, sh`groupmod -g ${String(gid)} ${name}`);
  return noChange();
}

/** Reads a `getent group` line (`name:x:gid:member,member`) of the named group. */
export function parseGroupEntry(stdout: string, name: string): Omit<GroupState, 'asRoot'> {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${name}:`));
  if (!line) return { exists: false, members: [] };
  const [, , gid, members = ''] = line.split(':');
  return { exists: true, gid: Number(gid), members: members.split(',').filter(Boolean) };
}
