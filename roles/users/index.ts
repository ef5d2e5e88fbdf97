import { apt, authorizedKeys, defineRole, file, group, task, user, type Task } from '../../lib/index.js';
import { adminAccess } from './admin-access.js';
import { usersVariables, type ResolvedUser } from './variables.js';

export { usersVariables, type UsersVariables, type UserEntry, type GroupEntry } from './variables.js';
export { adminAccessProblems } from './admin-access.js';

/**
 * Admin and deploy accounts: groups, users with their supplementary groups (sudo as asked, docker when the
 * host has it), authorized keys, passwordless sudo as an opt-in drop-in checked by visudo, and root's password
 * locked. Its first task refuses a set of users that would lock the administrator out.
 *
 * @example
 * users({
 *   users: [
 *     { name: 'admin', sudo: 'nopasswd', authorizedKeys: [secret('ADMIN_SSH_KEY')], exclusiveKeys: true },
 *     { name: 'deploy', groups: ['docker'], authorizedKeys: [readFileSync('keys/ci.pub', 'utf8')] },
 *   ],
 * })
 */
export const users = defineRole({
  name: 'users',
  variables: usersVariables,
  tasks(vars, { host, facts }) {
    // ajv has filled in the defaults of every entry.
    const list = vars.users as ResolvedUser[];
    const present = list.filter((u) => u.state === 'present');
    const tasks: Task[] = [
      task('admin access is kept', adminAccess({ users: list, requireAdmin: vars.requireAdmin })),
    ];
    if (!facts.tools.sudo && present.some((u) => u.sudo !== 'none'))
      tasks.push(task('sudo installed', apt({ packages: ['sudo'] })));
    for (const g of vars.groups)
      tasks.push(
        task(`group ${g.name}`, group({ name: g.name, gid: g.gid, system: g.system, state: g.state })),
      );
    for (const u of list) {
      if (u.state === 'absent') {
        tasks.push(
          task(`user ${u.name} absent`, user({ name: u.name, state: 'absent', remove: u.removeHome })),
        );
        continue;
      }
      tasks.push(task(`user ${u.name}`, user(userOptions(u))));
      if (u.authorizedKeys.length > 0 || u.exclusiveKeys) {
        const login = host.connection.user;
        tasks.push(
          task(
            `authorized keys of ${u.name}`,
            authorizedKeys({
              user: u.name,
              keys: u.authorizedKeys,
              exclusive: u.exclusiveKeys,
              // Removing keys of the user Bosun logs in as is proven by a fresh login (or undone).
              verifyLogin: u.exclusiveKeys && (login === undefined || login === u.name),
            }),
          ),
        );
      }
    }
    const nopasswd = present.filter((u) => u.sudo === 'nopasswd').map((u) => u.name);
    tasks.push(
      task(
        'passwordless sudo',
        nopasswd.length > 0
          ? file({
              path: vars.nopasswdFile,
              content: nopasswdSudoers(nopasswd),
              mode: '0440',
              owner: 'root',
              group: 'root',
              validate: '/usr/sbin/visudo -cf %s',
            })
          : file({ path: vars.nopasswdFile, state: 'absent' }),
      ),
    );
    if (vars.lockRootPassword)
      tasks.push(task("root's password locked", user({ name: 'root', locked: true })));
    return tasks;
  },
});

/** The user resource's options for a present entry: sudo through the `sudo` group, docker only where it exists. */
function userOptions(u: ResolvedUser): Parameters<typeof user>[0] {
  const named = u.groups.filter((g) => g !== 'docker' && g !== 'sudo');
  return {
    name: u.name,
    uid: u.uid,
    comment: u.comment,
    shell: u.shell,
    system: u.system,
    groups: u.sudo === 'none' ? named : [...named, 'sudo'],
    optionalGroups: u.groups.includes('docker') ? ['docker'] : [],
    append: u.appendGroups,
    removeFromGroups: u.sudo === 'none' ? ['sudo'] : [],
    passwordHash: u.passwordHash,
  };
}

/** The sudoers drop-in of the 'nopasswd' users. */
export function nopasswdSudoers(names: string[]): string {
  const lines = names.map((name) => `${name} ALL=(ALL:ALL) NOPASSWD: ALL`);
  return `# Managed by Bosun (role users): passwordless sudo.\n${lines.join('\n')}\n`;
}
