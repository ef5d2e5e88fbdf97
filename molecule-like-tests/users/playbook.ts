import { playbook } from '../../lib/engine/playbook.js';
import { testKey } from '../../lib/testing/test-key.js';
import { users, type UsersVariables } from '../../roles/users/index.js';

/** A key with no private half anywhere: a second key to add, keep or remove. */
export const otherKey =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other@laptop';
/** `openssl passwd -6 -salt abc test-only`: a throwaway test password, not a secret. */
export const opsPasswordHash =
  '$6$abc$BF0UBJuM3iGVnaxRYh1lGazTranvCaHCCU0ID5Ui/YrgfALI9BIGbHRS5Ac9hmFGEFaTXWmL3K5klJfiK2OGJ.';

/** Use cases A and E: an admin with passwordless sudo and a deploy user in docker (when the host has it). */
export const defaultUsers: UsersVariables['users'] = [
  {
    name: 'admin',
    sudo: 'nopasswd',
    authorizedKeys: [testKey().publicKey],
    exclusiveKeys: true,
    comment: 'Admin',
  },
  { name: 'deploy', groups: ['docker', 'deployers'], authorizedKeys: [testKey().publicKey, otherKey] },
  { name: 'ops', sudo: 'password', passwordHash: opsPasswordHash, authorizedKeys: [testKey().publicKey] },
];

// `-e test_users=[...]` replaces the users, for the lockout drills.
export default playbook({
  name: 'users role',
  plays: [
    {
      name: 'accounts',
      hosts: 'all',
      roles: [
        users((host) => ({
          groups: [{ name: 'deployers' }],
          users: (host.vars.test_users as UsersVariables['users'] | undefined) ?? defaultUsers,
        })),
      ],
    },
  ],
});
