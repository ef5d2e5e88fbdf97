import type { HardenSshVariables } from './variables.js';

/** A user account as sshd's AllowUsers/AllowGroups see it. */
export interface Account {
  name: string;
  groups: string[];
}

/** Who can log in today, as the probe read it. */
export interface AccessState {
  /** The user of the SSH session Bosun runs in; undefined when Bosun is not connected over SSH. */
  login?: Account;
  /** Accounts with a login shell and a non-empty authorized_keys file (as AuthorizedKeysFile names it). */
  keyUsers: Account[];
}

export type AccessPolicy = Pick<
  HardenSshVariables,
  | 'permitRootLogin'
  | 'pubkeyAuthentication'
  | 'allowUsers'
  | 'allowGroups'
  | 'allowLoginChangeForConnectingUser'
>;

/** sshd's wildcard patterns: `*` and `?`. */
function matches(text: string, pattern: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${regex}$`).test(text);
}

/**
 * Why sshd would refuse this account a key login under the new settings, or undefined if it would let it
 * in. An AllowUsers entry `user@host` is matched on its user part: the client's address is checked by the
 * fresh login after the change, not here.
 */
export function keyLoginRefusal(account: Account, policy: AccessPolicy): string | undefined {
  if (!policy.pubkeyAuthentication) return 'pubkeyAuthentication is false';
  if (account.name === 'root' && !['yes', 'prohibit-password'].includes(policy.permitRootLogin))
    return `PermitRootLogin ${policy.permitRootLogin} refuses root`;
  if (
    policy.allowUsers.length > 0 &&
    !policy.allowUsers.some((pattern) => matches(account.name, pattern.split('@')[0]))
  )
    return `it is not in AllowUsers (${policy.allowUsers.join(' ')})`;
  if (
    policy.allowGroups.length > 0 &&
    !account.groups.some((group) => policy.allowGroups.some((pattern) => matches(group, pattern)))
  )
    return `it is in none of AllowGroups (${policy.allowGroups.join(' ')})`;
  return undefined;
}

/**
 * The plan check that keeps a key-based login: the user Bosun logs in as must still be let in with a key,
 * because the change is confirmed by a fresh login as that same user (without SSH, some user with a key
 * must be). Returns the problems, each saying what to do; empty when the settings are safe.
 * `allowLoginChangeForConnectingUser` skips the check for the connecting user (pubkeyAuthentication false
 * is always refused): the commit-confirm guard still rolls the change back if that login fails.
 */
export function accessProblems(state: AccessState, policy: AccessPolicy): string[] {
  if (!policy.pubkeyAuthentication) {
    return [
      'pubkeyAuthentication: false turns key logins off: Bosun, and every user who logs in with a key, would be locked out.',
    ];
  }
  const others = state.keyUsers.filter(
    (account) => account.name !== state.login?.name && !keyLoginRefusal(account, policy),
  );
  const othersText =
    others.length > 0
      ? `${others.map((account) => account.name).join(', ')} can log in with a key afterwards`
      : 'no other user has an authorized key that the new settings accept';
  if (!state.login) {
    return others.length > 0
      ? []
      : [`${othersText}, so no one could log in with a key: add a key for a user the settings allow first.`];
  }
  const refusal = keyLoginRefusal(state.login, policy);
  if (!refusal || policy.allowLoginChangeForConnectingUser) return [];
  const user = state.login.name;
  const fix =
    user === 'root' && refusal.startsWith('PermitRootLogin')
      ? others.length > 0
        ? `Connect as ${others[0].name} with become (bosun_user: ${others[0].name}, bosun_become: true) and run again, or keep root's key login for this run with permitRootLogin: 'prohibit-password'.`
        : `Create a user with a key and sudo first (for example with the users role), connect as that user with become, and run again.`
      : `Allow ${user} (allowUsers / allowGroups), or connect as a user the new settings allow.`;
  return [
    `${user}, the user Bosun logs in as, could no longer log in: ${refusal} (${othersText}). ${fix} ` +
      `If this check is wrong (for example the account's groups come from a directory), set allowLoginChangeForConnectingUser: true: the change then stands only if a fresh login as ${user} succeeds.`,
  ];
}
