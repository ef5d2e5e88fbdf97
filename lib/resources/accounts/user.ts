import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh, raw, ShellCommand } from '../../transport/shell.js';
import { absolutePath } from '../files/absolute-path.js';
import { accountId, accountName } from './account-name.js';
import { run } from '../actions.js';
import type { Plan, Resource } from '../resource.js';
import { checkExit, rootHint } from '../commands/run-checked.js';

export interface UserOptions {
  /** Login name. */
  name: string;
  /** Numeric uid; unset lets useradd pick one (and leaves an existing user's uid as it is). */
  uid?: number;
  /** Primary group (name or gid); unset: a new user gets a group of its own name, an existing one keeps its group. */
  group?: string;
  /** Supplementary groups; each must exist (an earlier task may create it). */
  groups?: string[];
  /**
   * true (default): add the user to `groups` and leave its other memberships alone (Ansible's `append: yes`,
   * whose default is `no`). false: `groups` (with `optionalGroups` that exist) is the complete list.
   */
  append?: boolean;
  /** Supplementary groups joined only when they exist on the host (e.g. `docker`, created by its package). */
  optionalGroups?: string[];
  /** Supplementary groups the user must not be in, also with `append` (removed with `gpasswd -d`). */
  removeFromGroups?: string[];
  /** Login shell; unset: useradd's default for a new user, left as it is for an existing one. */
  shell?: string;
  /** Home directory; unset: useradd's default (/home/NAME) for a new user. */
  home?: string;
  /** Create the home directory (from /etc/skel) when the user is created or when it is missing. Default true. */
  createHome?: boolean;
  /** Create a system account (uid below 1000); only used at creation. */
  system?: boolean;
  /**
   * true: the password is locked (`usermod -L`, a `!` before the hash), so no password login works; key logins
   * still do while sshd uses PAM (`UsePAM yes`, Debian's and Ubuntu's default). false: unlocked (`usermod -U`),
   * which needs a password behind the lock. Unset: left as it is. Reading it needs root.
   */
  locked?: boolean;
  /**
   * The password as a crypt(3) hash (`mkpasswd -m yescrypt`), never the password itself; pass it with `secret()`.
   * Set with `chpasswd -e` through stdin, so it shows in no process list; compared on the host, so it never
   * comes back. Unset: the password is left as it is (useradd leaves a new user without one).
   */
  passwordHash?: string;
  /** The GECOS field (full name). */
  comment?: string;
  /** 'present' (default) or 'absent'. */
  state?: 'present' | 'absent';
  /** With state 'absent': remove the home directory and mail spool too (`userdel -r`). */
  remove?: boolean;
}

/** What getent, id and (when `locked` is managed) the shadow entry say about the user. */
export interface UserState {
  exists: boolean;
  uid?: number;
  gid?: number;
  /** Name of the primary group. */
  primaryGroup?: string;
  /** Supplementary group names, the primary group left out. */
  groups: string[];
  shell?: string;
  home?: string;
  comment?: string;
  /** The wanted home (or the current one) is a directory. */
  homeExists: boolean;
  /** Required groups (primary or supplementary) that do not exist yet. */
  missingGroups: string[];
  /** The optional groups that exist. */
  optionalGroupsPresent: string[];
  /** A group named like the user already exists: useradd must join it instead of creating it. */
  ownGroupExists: boolean;
  /**
   * Read only when `locked` or `passwordHash` is managed; undefined otherwise, or when the shadow file was
   * unreadable. `matches`: the field is the wanted hash, locked or not.
   */
  password?: { locked: boolean; set: boolean; matches?: boolean };
  shadowUnreadable?: boolean;
  /** The tasks run as root: otherwise a failure says that managing users needs it. */
  asRoot: boolean;
}

export interface UserDesired {
  name: string;
  uid?: number;
  group?: string;
  groups: string[];
  append: boolean;
  optionalGroups: string[];
  removeFromGroups: string[];
  shell?: string;
  home?: string;
  createHome: boolean;
  system: boolean;
  locked?: boolean;
  passwordHash?: string;
  comment?: string;
  state: 'present' | 'absent';
  remove: boolean;
}

/** What to do, decided once from the probed state: the plan's lines and its command come from it. */
export interface UserDecision {
  lines: string[];
  create: boolean;
  remove: boolean;
  uid?: number;
  group?: string;
  /** New supplementary groups to add (with `-a`). */
  addGroups: string[];
  /** The complete supplementary list, when memberships must also be removed (`append: false`). */
  setGroups?: string[];
  /** Groups to leave one by one (`removeFromGroups` with `append`). */
  leaveGroups: string[];
  shell?: string;
  home?: string;
  comment?: string;
  createHome: boolean;
  setPassword: boolean;
  lock: boolean;
  unlock: boolean;
  blocker?: string;
}

/**
 * A local user account (Ansible's `user`, pyinfra's `server.user`). Probes in one round trip: `getent passwd`,
 * `id` for the groups, whether each wanted group exists, whether the home exists and, when `locked` is
 * managed, whether the shadow entry is locked (the hash itself never leaves the host). Creates with
 * `useradd`, changes with `usermod` (only what differs), removes with `userdel`.
 *
 * + name, uid, comment, shell, home: the account's fields
 * + group: primary group; groups: supplementary groups, added to the user's others (`append: true`, default)
 *   or the complete list (`append: false`); optionalGroups: joined only when they exist on the host
 * + createHome: create the home from /etc/skel (default true); system: a system account
 * + removeFromGroups: groups the user must leave (e.g. `sudo` for a user that must not have it)
 * + locked: lock (true) or unlock (false) the password; passwordHash: a crypt(3) hash to set
 * + state: 'present' (default) or 'absent'; remove: with 'absent', its home and mail spool too
 *
 * Plan lines: `create user deploy (shell /bin/bash, groups sudo,docker)`, `uid 1001 → 1500`,
 * `primary group users → deploy`, `add to groups sudo, docker`, `remove from groups adm`,
 * `shell /bin/sh → /bin/bash`, `home /home/a → /srv/a`, `comment 'A' → 'B'`,
 * `create home directory /home/deploy`, `set password`, `lock password`, `unlock password`, `remove user deploy`,
 * `remove user deploy and its home /home/deploy`.
 *
 * @example
 * user({ name: 'deploy', shell: '/bin/bash', groups: ['sudo'], optionalGroups: ['docker'] })
 * user({ name: 'root', locked: true })
 * user({ name: 'olduser', state: 'absent', remove: true })
 */
export function user(options: UserOptions): Resource<UserState> {
  const desired = userDesired(options);
  const { name } = desired;

  return {
    kind: 'user',
    id: name,
    probe: (ctx) => ({
      script: userProbeScript(desired),
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, `probing user ${name}`, {
          code: 'PROBE_FAILED',
        });
        return { ...parseUserProbe(stdout, desired), asRoot: ctx.facts.isRoot };
      },
    }),
    plan: (current) => planUser(current, desired),
  };
}

/** The plan of a user: pure, from the probed state and the wanted account; one command makes the changes. */
export function planUser(current: UserState, desired: UserDesired): Plan {
  const decision = decideUser(current, desired);
  if (decision.lines.length === 0) return { actions: [], changes: [] };
  const action = run(
    userCommands(decision, desired),
    `user ${desired.name} (${decision.lines.join(', ')})`,
    'USER_FAILED',
    {
      // chpasswd reads `name:hash` here: a hash in the command line would show in the host's process list.
      ...(decision.setPassword ? { stdin: `${desired.name}:${desired.passwordHash}\n` } : {}),
      ...rootHint(current.asRoot, 'managing users needs root'),
    },
  );
  return {
    actions: [action],
    changes: decision.lines,
    ...(decision.blocker ? { needsEarlierChanges: decision.blocker } : {}),
  };
}

/** Decides what to create, change or remove; throws when the wanted state cannot be reached. */
export function decideUser(current: UserState, desired: UserDesired): UserDecision {
  const decision: UserDecision = {
    lines: [],
    create: false,
    remove: false,
    addGroups: [],
    leaveGroups: [],
    createHome: false,
    setPassword: false,
    lock: false,
    unlock: false,
  };
  const { name } = desired;
  if (desired.state === 'absent') {
    if (current.exists) {
      decision.remove = true;
      decision.lines.push(
        desired.remove && current.home
          ? `remove user ${name} and its home ${current.home}`
          : `remove user ${name}`,
      );
    }
    return decision;
  }
  if (current.shadowUnreadable) {
    throw new TaskError(
      'SHADOW_UNREADABLE',
      `user ${name}: cannot read /etc/shadow to compare the password and its lock; run the task with become.`,
    );
  }
  const wantedGroups = unique([...desired.groups, ...current.optionalGroupsPresent]);
  if (current.missingGroups.length > 0) {
    const [first, ...more] = current.missingGroups;
    decision.blocker = `group ${first}${more.length ? ` (and ${more.join(', ')})` : ''} does not exist yet`;
  }

  if (!current.exists) {
    if (desired.locked === false && desired.passwordHash === undefined)
      throw cannotUnlock(name, 'a new user has no password');
    // useradd refuses to create a group of the user's name that exists already: the user joins it instead.
    const ownGroup = current.ownGroupExists ? name : undefined;
    decision.group = desired.group === undefined || desired.group === name ? ownGroup : desired.group;
    const details = [
      desired.uid !== undefined && `uid ${desired.uid}`,
      decision.group !== undefined && `group ${decision.group}`,
      wantedGroups.length > 0 && `groups ${wantedGroups.join(',')}`,
      desired.shell !== undefined && `shell ${desired.shell}`,
      desired.home !== undefined && `home ${desired.home}`,
      desired.passwordHash !== undefined && 'password',
      !desired.createHome && 'no home directory',
      desired.system && 'system',
    ].filter(Boolean);
    decision.create = true;
    decision.setPassword = desired.passwordHash !== undefined;
    decision.addGroups = wantedGroups;
    decision.lines.push(`create user ${name}${details.length ? ` (${details.join(', ')})` : ''}`);
    return decision;
  }

  if (desired.uid !== undefined && current.uid !== desired.uid) {
    decision.uid = desired.uid;
    decision.lines.push(`uid ${current.uid} → ${desired.uid}`);
  }
  if (
    desired.group !== undefined &&
    desired.group !== current.primaryGroup &&
    desired.group !== String(current.gid)
  ) {
    decision.group = desired.group;
    decision.lines.push(`primary group ${current.primaryGroup} → ${desired.group}`);
  }
  // The primary group is a membership already: listing it among the supplementary groups changes nothing.
  const primary = new Set([desired.group ?? current.primaryGroup, current.primaryGroup]);
  const supplementary = wantedGroups.filter((g) => !primary.has(g));
  decision.addGroups = supplementary.filter((g) => !current.groups.includes(g));
  const extra = current.groups.filter(
    (g) => !supplementary.includes(g) && (!desired.append || desired.removeFromGroups.includes(g)),
  );
  if (decision.addGroups.length > 0) decision.lines.push(`add to groups ${decision.addGroups.join(', ')}`);
  if (extra.length > 0) {
    if (desired.append) decision.leaveGroups = extra;
    else decision.setGroups = supplementary;
    decision.lines.push(`remove from groups ${extra.join(', ')}`);
  }
  if (desired.shell !== undefined && desired.shell !== current.shell) {
    decision.shell = desired.shell;
    decision.lines.push(`shell ${current.shell || '(none)'} → ${desired.shell}`);
  }
  if (desired.home !== undefined && desired.home !== current.home) {
    decision.home = desired.home;
    decision.lines.push(`home ${current.home} → ${desired.home}`);
  }
  if (desired.comment !== undefined && desired.comment !== current.comment) {
    decision.comment = desired.comment;
    decision.lines.push(`comment '${current.comment ?? ''}' → '${desired.comment}'`);
  }
  if (desired.createHome && !current.homeExists) {
    decision.createHome = true;
    decision.lines.push(`create home directory ${desired.home ?? current.home}`);
  }
  if (desired.passwordHash !== undefined && !current.password?.matches) {
    decision.setPassword = true;
    decision.lines.push('set password');
  }
  // chpasswd writes the hash unlocked: a wanted lock, or one left as it is, is set again after it.
  const lockedNow = !decision.setPassword && !!current.password?.locked;
  const keepLock = desired.locked === undefined && decision.setPassword && !!current.password?.locked;
  if ((desired.locked === true && current.password && !lockedNow) || keepLock) {
    decision.lock = true;
    if (!current.password?.locked) decision.lines.push('lock password');
  }
  if (desired.locked === false && current.password?.locked && !decision.setPassword) {
    if (!current.password.set) throw cannotUnlock(name, 'it has no password behind the lock');
    decision.unlock = true;
    decision.lines.push('unlock password');
  }
  if (decision.lines.length === 0) delete decision.blocker;
  return decision;
}

function userDesired(options: UserOptions): UserDesired {
  const where = `user ${String(options.name)}`;
  const name = accountName(options.name, 'user');
  const groupNames = (list: string[] | undefined, what: string) =>
    (list ?? []).map((g) => accountName(g, `${where}, ${what}`));
  if (options.group !== undefined && !/^\d+$/.test(options.group))
    accountName(options.group, `${where}, group`);
  if (options.shell !== undefined && !/^\/[^:\n]*$/.test(options.shell))
    throw new OptionsError(
      'USER_OPTIONS',
      `${where}: shell '${options.shell}' must be an absolute path, e.g. /bin/bash.`,
    );
  if (options.comment !== undefined && /[:\n]/.test(options.comment))
    throw new OptionsError('USER_OPTIONS', `${where}: the comment cannot contain ':' or a line break.`);
  const home = options.home === undefined ? undefined : absolutePath(options.home, where);
  if (home?.includes(':'))
    throw new OptionsError('USER_OPTIONS', `${where}: the home path cannot contain ':'.`);
  const state = options.state ?? 'present';
  if (options.passwordHash !== undefined && !/^\$[0-9a-z]+\$[^\s:]+$/.test(options.passwordHash))
    throw new OptionsError(
      'USER_OPTIONS',
      `${where}: passwordHash must be a crypt(3) hash such as the output of \`mkpasswd -m yescrypt\`, never the password itself.`,
    );
  if (options.remove && state !== 'absent')
    throw new OptionsError('USER_OPTIONS', `${where}: remove only has a meaning with state 'absent'.`);
  return {
    name,
    uid: accountId(options.uid, where),
    group: options.group,
    groups: unique(groupNames(options.groups, 'groups')),
    append: options.append ?? true,
    optionalGroups: unique(groupNames(options.optionalGroups, 'optionalGroups')),
    removeFromGroups: unique(groupNames(options.removeFromGroups, 'removeFromGroups')),
    shell: options.shell,
    home,
    createHome: options.createHome ?? true,
    system: options.system ?? false,
    locked: options.locked,
    passwordHash: options.passwordHash,
    comment: options.comment,
    state,
    remove: options.remove ?? false,
  };
}

function userProbeScript(desired: UserDesired): string {
  // A primary group named like the user is created by useradd when it is missing.
  const primary = desired.group === undefined || desired.group === desired.name ? [] : [desired.group];
  const required = unique([...desired.groups, ...primary]);
  const lines = [
    String(sh`u=${desired.name}`),
    'if ent=$(getent passwd "$u"); then',
    '  echo "passwd=$ent"',
    '  echo "primary=$(id -gn "$u")"',
    '  echo "groups=$(id -Gn "$u")"',
    desired.home === undefined ? '  h=$(printf %s "$ent" | cut -d: -f6)' : String(sh`  h=${desired.home}`),
    '  [ -d "$h" ] && echo home_exists=1',
  ];
  if (desired.locked !== undefined || desired.passwordHash !== undefined) {
    lines.push(
      '  if [ "$(id -u)" != 0 ]; then echo shadow_unreadable=1',
      '  else',
      '    s=$(getent shadow "$u" | cut -d: -f2)',
      ...(desired.passwordHash === undefined
        ? []
        : [
            String(sh`    w=${desired.passwordHash}`),
            '    [ "$s" = "$w" ] || [ "$s" = "!$w" ] && echo password_matches=1',
          ]),
      // Only whether the field is locked and whether a hash is behind the lock: the hash stays on the host.
      '    echo "password_locked=$(printf %s "$s" | grep -c \'^[!*]\')"',
      '    echo "password_set=$(printf %s "$s" | sed \'s/^[!*]*//\' | grep -c .)"',
      '  fi',
    );
  }
  lines.push('fi', 'getent group "$u" >/dev/null && echo own_group=1');
  if (required.length > 0) {
    lines.push(
      String(sh`m=; for g in ${required}; do getent group "$g" >/dev/null || m="$m $g"; done`),
      'echo "missing_groups=$m"',
    );
  }
  if (desired.optionalGroups.length > 0) {
    lines.push(
      String(sh`o=; for g in ${desired.optionalGroups}; do getent group "$g" >/dev/null && o="$o $g"; done`),
      'echo "optional_groups=$o"',
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/** Reads the output of the user probe. */
export function parseUserProbe(
  stdout: string,
  desired: Pick<UserDesired, 'name'>,
): Omit<UserState, 'asRoot'> {
  const values = parseKeyValues(stdout);
  const words = (key: string) => (values.get(key) ?? '').split(/\s+/).filter(Boolean);
  const common = {
    missingGroups: words('missing_groups'),
    optionalGroupsPresent: words('optional_groups'),
    ownGroupExists: values.has('own_group'),
  };
  const entry = values.get('passwd');
  if (entry === undefined || !entry.startsWith(`${desired.name}:`))
    return { exists: false, groups: [], homeExists: false, ...common };
  const [, , uid, gid, comment, home, shell] = entry.split(':');
  const primaryGroup = values.get('primary');
  const password = values.has('password_locked')
    ? {
        locked: values.get('password_locked') !== '0',
        set: values.get('password_set') !== '0',
        ...(values.has('password_matches') ? { matches: true } : {}),
      }
    : undefined;
  return {
    exists: true,
    uid: Number(uid),
    gid: Number(gid),
    primaryGroup,
    groups: unique(words('groups').filter((g) => g !== primaryGroup)),
    shell,
    home,
    comment,
    homeExists: values.has('home_exists'),
    ...common,
    ...(password ? { password } : {}),
    ...(values.has('shadow_unreadable') ? { shadowUnreadable: true } : {}),
  };
}

function userCommands(decision: UserDecision, desired: UserDesired): ShellCommand {
  const { name } = desired;
  if (decision.remove) return sh`userdel ${raw(desired.remove ? '-r ' : '')}${name}`;
  const steps: ShellCommand[] = [];
  if (decision.create) {
    const flags = [
      desired.uid !== undefined && sh`-u ${String(desired.uid)}`,
      decision.group !== undefined && sh`-g ${decision.group}`,
      decision.addGroups.length > 0 && sh`-G ${decision.addGroups.join(',')}`,
      desired.shell !== undefined && sh`-s ${desired.shell}`,
      desired.home !== undefined && sh`-d ${desired.home}`,
      raw(desired.createHome ? '-m' : '-M'),
      desired.system && raw('-r'),
      desired.comment !== undefined && sh`-c ${desired.comment}`,
    ].filter(isFlag);
    steps.push(sh`useradd ${flags} ${name}`);
    if (decision.setPassword) steps.push(raw('chpasswd -e'));
    if (decision.setPassword && desired.locked === true) steps.push(sh`usermod -L ${name}`);
  } else {
    const flags = [
      decision.uid !== undefined && sh`-u ${String(decision.uid)}`,
      decision.group !== undefined && sh`-g ${decision.group}`,
      decision.setGroups !== undefined
        ? sh`-G ${decision.setGroups.join(',')}`
        : decision.addGroups.length > 0 && sh`-a -G ${decision.addGroups.join(',')}`,
      decision.shell !== undefined && sh`-s ${decision.shell}`,
      decision.home !== undefined && sh`-d ${decision.home}`,
      decision.comment !== undefined && sh`-c ${decision.comment}`,
      decision.unlock && raw('-U'),
    ].filter(isFlag);
    if (decision.setPassword) steps.push(raw('chpasswd -e'));
    if (flags.length > 0) steps.push(sh`usermod ${flags} ${name}`);
    if (decision.lock) steps.push(sh`usermod -L ${name}`);
    for (const g of decision.leaveGroups) steps.push(sh`gpasswd -d ${name} ${g} >/dev/null`);
    if (decision.createHome) steps.push(sh`mkhomedir_helper ${name}`);
  }
  return raw(steps.map(String).join(' && '));
}

const isFlag = (flag: unknown): flag is ShellCommand => flag instanceof ShellCommand;

function cannotUnlock(name: string, why: string): TaskError {
  return new TaskError(
    'USER_NO_PASSWORD',
    `user ${name}: cannot unlock the password (locked: false): ${why}. Set a password first, or leave locked unset.`,
  );
}

const unique = (list: string[]) => [...new Set(list)];
