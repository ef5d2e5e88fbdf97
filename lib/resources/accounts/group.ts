import { sh, raw, type ShellCommand } from '../../transport/shell.js';
import { accountId, accountName } from './account-name.js';
import type { Plan, Resource } from '../resource.js';
import { runChecked } from '../commands/run-checked.js';

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
    async probe(ctx) {
      const result = await runChecked(ctx.transport, sh`getent group ${name} || true`, `probing ${where}`, {
        code: 'PROBE_FAILED',
      });
      return parseGroupEntry(result.stdout, name);
    },
    plan: (current) => planGroup(current, desired),
    async apply(ctx, current) {
      await runChecked(ctx.transport, groupCommand(current, desired), `changing ${where}`, {
        code: 'GROUP_FAILED',
        hint: ctx.facts.isRoot ? undefined : 'managing groups needs root: connect as root or set become.',
      });
    },
  };
}

/** The plan of a group: pure, from `getent group` and the wanted group. */
export function planGroup(current: GroupState, desired: GroupDesired): Plan {
  if (desired.state === 'absent') return { changes: current.exists ? [`remove group ${desired.name}`] : [] };
  if (!current.exists) {
    const details = [desired.gid !== undefined && `gid ${desired.gid}`, desired.system && 'system'].filter(
      Boolean,
    );
    return { changes: [`create group ${desired.name}${details.length ? ` (${details.join(', ')})` : ''}`] };
  }
  if (desired.gid !== undefined && current.gid !== desired.gid)
    return { changes: [`gid ${current.gid} → ${desired.gid}`] };
  return { changes: [] };
}

/** Reads a `getent group` line (`name:x:gid:member,member`) of the named group. */
export function parseGroupEntry(stdout: string, name: string): GroupState {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`${name}:`));
  if (!line) return { exists: false, members: [] };
  const [, , gid, members = ''] = line.split(':');
  return { exists: true, gid: Number(gid), members: members.split(',').filter(Boolean) };
}

function groupCommand(current: GroupState, desired: GroupDesired): ShellCommand {
  const { name, gid } = desired;
  if (desired.state === 'absent') return sh`groupdel ${name}`;
  if (current.exists) return sh`groupmod -g ${String(gid)} ${name}`;
  const flags = [
    gid !== undefined ? sh`-g ${String(gid)}` : undefined,
    desired.system ? raw('-r') : undefined,
  ];
  return sh`groupadd ${flags.filter((flag) => flag !== undefined)} ${name}`;
}
