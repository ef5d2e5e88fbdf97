import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { Facts } from '../../lib/facts/facts.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { adminAccess, adminAccessProblems, parseAdminAccess, type AdminAccessState } from './admin-access.js';
import { nopasswdSudoers, users } from './index.js';
import type { ResolvedUser, UsersVariables } from './variables.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@laptop';
const host: InventoryHost = {
  name: 'vps1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'vps1', user: 'root', become: false },
};
const facts = { tools: { sudo: true } } as Facts;

/** Variables as the engine gives them to the role: validated, defaults filled. */
function resolve(variables: Partial<UsersVariables>): UsersVariables {
  const { vars, problems } = resolveRoleVariables(users(variables), host);
  assert.deepEqual(problems, []);
  return vars as UsersVariables;
}
const entry = (overrides: Partial<ResolvedUser>): ResolvedUser =>
  resolve({ users: [{ name: 'x', ...overrides }], requireAdmin: false }).users[0] as ResolvedUser;
const nobodyLogsIn: AdminAccessState = { usablePasswords: [] };

describe('users role', () => {
  it('fills every default of a user entry, and rejects unknown fields', () => {
    assert.deepEqual(resolve({ users: [{ name: 'deploy' }] }).users[0], {
      name: 'deploy',
      state: 'present',
      groups: [],
      appendGroups: true,
      shell: '/bin/bash',
      sudo: 'none',
      authorizedKeys: [],
      exclusiveKeys: false,
      system: false,
      removeHome: false,
    });
    const { problems } = resolveRoleVariables(users({ users: [{ name: 'a', sudo: 'yes' } as never] }), host);
    assert.match(problems.join('\n'), /users\.0\.sudo/);
    const typo = resolveRoleVariables(users({ users: [{ name: 'a', authorized_keys: [] } as never] }), host);
    assert.match(typo.problems.join('\n'), /unknown variable 'users\.0\.authorized_keys'/);
  });

  it('builds the guard, the users, their keys, the sudo drop-in and the root lock, in order', () => {
    const vars = resolve({
      groups: [{ name: 'deployers', gid: 1500 }],
      users: [
        { name: 'admin', sudo: 'nopasswd', authorizedKeys: [KEY], exclusiveKeys: true },
        { name: 'deploy', groups: ['docker', 'deployers'] },
        { name: 'olduser', state: 'absent', removeHome: true },
      ],
    });
    const tasks = users.definition.tasks(vars, roleContext(host, facts));
    assert.deepEqual(
      tasks.map((t) => [t.name, t.resource.kind, t.resource.id]),
      [
        ['admin access is kept', 'guard', 'admin access'],
        ['group deployers', 'group', 'deployers'],
        ['user admin', 'user', 'admin'],
        ['authorized keys of admin', 'authorized-keys', '~admin/.ssh/authorized_keys'],
        ['user deploy', 'user', 'deploy'],
        ['user olduser absent', 'user', 'olduser'],
        ['passwordless sudo', 'file', '/etc/sudoers.d/90-bosun-nopasswd'],
        ["root's password locked", 'user', 'root'],
      ],
    );
  });

  it('installs sudo first when the host lacks it and someone needs it', () => {
    const vars = resolve({ users: [{ name: 'admin', sudo: 'nopasswd', authorizedKeys: [KEY] }] });
    const tasks = users.definition.tasks(vars, roleContext(host, { tools: { sudo: false } } as Facts));
    assert.equal(tasks[1].name, 'sudo installed');
  });

  it('writes one NOPASSWD line per user', () => {
    assert.equal(
      nopasswdSudoers(['admin', 'ci']),
      '# Managed by Bosun (role users): passwordless sudo.\nadmin ALL=(ALL:ALL) NOPASSWD: ALL\nci ALL=(ALL:ALL) NOPASSWD: ALL\n',
    );
  });
});

describe('adminAccessProblems', () => {
  const admin = entry({ name: 'admin', sudo: 'nopasswd', authorizedKeys: [KEY] });
  const deploy = entry({ name: 'deploy', authorizedKeys: [KEY] });

  it('accepts a key user with nopasswd sudo, or with a password that is set', () => {
    assert.deepEqual(adminAccessProblems(nobodyLogsIn, { users: [admin, deploy], requireAdmin: true }), []);
    const withPassword = entry({ name: 'ops', sudo: 'password', authorizedKeys: [KEY] });
    assert.deepEqual(
      adminAccessProblems({ usablePasswords: ['ops'] }, { users: [withPassword], requireAdmin: true }),
      [],
    );
    const withHash = entry({ name: 'ops', sudo: 'password', authorizedKeys: [KEY], passwordHash: '$6$s$h' });
    assert.deepEqual(adminAccessProblems(nobodyLogsIn, { users: [withHash], requireAdmin: true }), []);
  });

  it('refuses when no one could log in with a key and use sudo, naming a password-less sudo user', () => {
    const [problem] = adminAccessProblems(nobodyLogsIn, { users: [deploy], requireAdmin: true });
    assert.match(problem, /^no user would be left who can log in with a key and use sudo\./);
    assert.match(problem, /requireAdmin: false/);
    const ops = entry({ name: 'ops', sudo: 'password', authorizedKeys: [KEY] });
    assert.match(
      adminAccessProblems(nobodyLogsIn, { users: [ops], requireAdmin: true })[0],
      /ops has sudo: 'password' but no password: set passwordHash/,
    );
    assert.deepEqual(adminAccessProblems(nobodyLogsIn, { users: [deploy], requireAdmin: false }), []);
  });

  it('protects the user Bosun logs in as: not deleted, keys not all removed, sudo not taken away', () => {
    const login: AdminAccessState = { login: 'ci', usablePasswords: [] };
    const check = (overrides: Partial<ResolvedUser>) =>
      adminAccessProblems(login, { users: [admin, entry({ name: 'ci', ...overrides })], requireAdmin: true });
    assert.match(check({ state: 'absent' }).join(), /state 'absent' would delete it mid-run/);
    assert.match(
      check({ sudo: 'nopasswd', exclusiveKeys: true }).join(),
      /would remove every key it logs in with/,
    );
    assert.match(check({ sudo: 'none' }).join(), /would take sudo away from it mid-run/);
    assert.deepEqual(check({ sudo: 'nopasswd', authorizedKeys: [KEY], exclusiveKeys: true }), []);
  });

  it('refuses contradictions and duplicates', () => {
    const problems = adminAccessProblems(nobodyLogsIn, {
      users: [admin, admin, entry({ name: 'x', groups: ['sudo'] })],
      requireAdmin: true,
    });
    assert.deepEqual(problems, [
      'user admin is listed twice: list each user once.',
      "user x lists group sudo but has sudo: 'none': say sudo: 'password' or 'nopasswd'.",
    ]);
  });
});

describe('adminAccess check', () => {
  const admin = entry({ name: 'admin', sudo: 'nopasswd', authorizedKeys: [KEY] });
  const ops = entry({ name: 'ops', sudo: 'password', authorizedKeys: [KEY] });
  const ctx = {} as ResourceContext;

  it('reads the login user and the usable passwords, never the hashes', () => {
    const stdout = [
      'login.connection=203.0.113.7 50122 198.51.100.1 22',
      'login.user=admin',
      'usable.ops=1',
      'usable.intruder=1',
    ].join('\n');
    assert.deepEqual(parseAdminAccess(stdout, ['ops', 'dev']), { login: 'admin', usablePasswords: ['ops'] });
    assert.deepEqual(parseAdminAccess('', []), { login: undefined, usablePasswords: [] });
  });

  it('passes a safe set of users and fails the task with every problem otherwise', () => {
    const check = adminAccess({ users: [admin, ops], requireAdmin: true });
    assert.deepEqual(check.verify(nobodyLogsIn, ctx), { passed: true });
    assert.deepEqual(adminAccess({ users: [ops], requireAdmin: true }).verify(nobodyLogsIn, ctx), {
      passed: false,
      message:
        'the users role refuses these users (nothing was changed):\n  - ' +
        adminAccessProblems(nobodyLogsIn, { users: [ops], requireAdmin: true })[0],
    });
  });
});
