import {
  checkExit,
  loginSessionScript,
  parseKeyValues,
  parseLoginSession,
  sh,
  type Check,
} from '../../lib/index.js';
import type { ResolvedUser } from './variables.js';

/** What the guard read on the host. */
export interface AdminAccessState {
  /** The user of the SSH session Bosun runs in; undefined without SSH (a local connection). */
  login?: string;
  /** Of the 'password' sudo users without a passwordHash: those whose password is set and unlocked. */
  usablePasswords: string[];
}

export interface AdminAccessPolicy {
  users: ResolvedUser[];
  requireAdmin: boolean;
}

/**
 * Why applying these users could cut access to the host, each with what to do; empty when it is safe.
 * Checked before any account changes, in check mode too.
 */
export function adminAccessProblems(state: AdminAccessState, policy: AdminAccessPolicy): string[] {
  const problems: string[] = [];
  const names = policy.users.map((u) => u.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) problems.push(`user ${twice[0]} is listed twice: list each user once.`);
  for (const u of policy.users) {
    if (u.sudo === 'none' && u.groups.includes('sudo'))
      problems.push(
        `user ${u.name} lists group sudo but has sudo: 'none': say sudo: 'password' or 'nopasswd'.`,
      );
  }

  const login = state.login === undefined ? undefined : policy.users.find((u) => u.name === state.login);
  if (login && login.name !== 'root') {
    if (login.state === 'absent')
      problems.push(
        `user ${login.name} is the user Bosun logs in as: state 'absent' would delete it mid-run.`,
      );
    else if (login.exclusiveKeys && login.authorizedKeys.length === 0)
      problems.push(
        `user ${login.name} is the user Bosun logs in as: exclusiveKeys with no authorizedKeys would remove every key it logs in with.`,
      );
    // The role needs root, so a login user other than root becomes root with sudo.
    if (login.state === 'present' && login.sudo === 'none')
      problems.push(
        `user ${login.name} is the user Bosun logs in as and becomes root with sudo: sudo: 'none' would take sudo away from it mid-run.`,
      );
  }

  const admins = policy.users.filter(
    (u) =>
      u.state === 'present' &&
      u.authorizedKeys.length > 0 &&
      (u.sudo === 'nopasswd' ||
        (u.sudo === 'password' && (u.passwordHash !== undefined || state.usablePasswords.includes(u.name)))),
  );
  if (policy.requireAdmin && admins.length === 0) {
    const unusable = policy.users.filter(
      (u) =>
        u.state === 'present' && u.sudo === 'password' && u.authorizedKeys.length > 0 && !admins.includes(u),
    );
    problems.push(
      'no user would be left who can log in with a key and use sudo' +
        (unusable.length > 0
          ? ` (${unusable.map((u) => u.name).join(', ')} has sudo: 'password' but no password: set passwordHash)`
          : '') +
        ". Once SSH refuses root (harden-ssh's default) and root's password is locked, nobody could administer the host. " +
        "Declare one, e.g. { name: 'admin', sudo: 'nopasswd', authorizedKeys: ['ssh-ed25519 AAAA... you@laptop'] }, " +
        'or set requireAdmin: false if admins are managed elsewhere.',
    );
  }
  return problems;
}

/**
 * The users role's first task: refuses, before any account changes (and in check mode), a set of users
 * that would lock the administrator out. One probe: the SSH session's user, and whether the 'password'
 * sudo users without a passwordHash have a usable password already (the hash stays on the host).
 */
export function adminAccess(policy: AdminAccessPolicy): Check<AdminAccessState> {
  const needPassword = policy.users
    .filter((u) => u.state === 'present' && u.sudo === 'password' && u.passwordHash === undefined)
    .map((u) => u.name);
  return {
    kind: 'guard',
    id: 'admin access',
    probe: (ctx) => ({
      script: adminAccessScript(needPassword),
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, 'checking admin access', {
          code: 'PROBE_FAILED',
        });
        return parseAdminAccess(stdout, needPassword);
      },
    }),
    verify(current) {
      const problems = adminAccessProblems(current, policy);
      if (problems.length === 0) return { passed: true };
      return {
        passed: false,
        message: `the users role refuses these users (nothing was changed):\n  - ${problems.join('\n  - ')}`,
      };
    },
  };
}

function adminAccessScript(needPassword: string[]): string {
  const lines = [loginSessionScript];
  if (needPassword.length > 0)
    lines.push(
      String(sh`for u in ${needPassword}; do`),
      '  s=$(getent shadow "$u" | cut -d: -f2)',
      // A usable password: set, and not locked with ! or *.
      '  case "$s" in ""|"!"*|"*"*) ;; *) echo "usable.$u=1";; esac',
      'done',
    );
  lines.push('exit 0');
  return lines.join('\n');
}

/** Reads the guard's probe: the login session and the users whose password is usable. */
export function parseAdminAccess(stdout: string, needPassword: string[]): AdminAccessState {
  const values = parseKeyValues(stdout);
  return {
    login: parseLoginSession(values)?.user,
    usablePasswords: needPassword.filter((name) => values.get(`usable.${name}`) === '1'),
  };
}
