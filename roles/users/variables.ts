import { Type, type Static } from '@sinclair/typebox';

// What useradd accepts without --badname (lib/resources/accounts/account-name.ts checks the same).
const accountName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,30}\\$?$' });

const userEntry = Type.Object(
  {
    name: accountName,
    state: Type.Optional(
      Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present' }),
    ),
    groups: Type.Optional(
      Type.Array(accountName, {
        default: [],
        description: 'Supplementary groups. `docker` is joined only when the group exists on the host.',
      }),
    ),
    appendGroups: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'true: other memberships are kept; false: groups (plus sudo) is the complete list.',
      }),
    ),
    shell: Type.Optional(Type.String({ pattern: '^/[^:\\n]*$', default: '/bin/bash' })),
    sudo: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('password'), Type.Literal('nopasswd')], {
        default: 'none',
        description:
          "'password': member of group sudo; 'nopasswd': also a NOPASSWD drop-in; 'none': not in sudo.",
      }),
    ),
    authorizedKeys: Type.Optional(Type.Array(Type.String(), { default: [] })),
    exclusiveKeys: Type.Optional(
      Type.Boolean({ default: false, description: 'Remove every key not listed in authorizedKeys.' }),
    ),
    passwordHash: Type.Optional(
      Type.String({
        description: 'crypt(3) hash (mkpasswd -m yescrypt), from a secret; unset: left as it is.',
      }),
    ),
    comment: Type.Optional(Type.String({ pattern: '^[^:\\n]*$' })),
    uid: Type.Optional(Type.Integer({ minimum: 0 })),
    system: Type.Optional(Type.Boolean({ default: false })),
    removeHome: Type.Optional(
      Type.Boolean({ default: false, description: "With state 'absent': remove the home directory too." }),
    ),
  },
  { additionalProperties: false },
);

const groupEntry = Type.Object(
  {
    name: accountName,
    gid: Type.Optional(Type.Integer({ minimum: 0 })),
    system: Type.Optional(Type.Boolean({ default: false })),
    state: Type.Optional(
      Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present' }),
    ),
  },
  { additionalProperties: false },
);

/** The variables of the users role: one schema for ajv's validation (and defaults) and the TypeScript type. */
export const usersVariables = Type.Object({
  users: Type.Array(userEntry, { default: [], description: 'The accounts: admins, deploy users, ...' }),
  groups: Type.Array(groupEntry, {
    default: [],
    description: 'Groups to create (or remove) before the users.',
  }),
  lockRootPassword: Type.Boolean({
    default: true,
    description: "Lock root's password (`usermod -L`): no password login as root; key logins are untouched.",
  }),
  requireAdmin: Type.Boolean({
    default: true,
    description:
      'Refuse to run unless a present user has an authorized key and a sudo that works (nopasswd, or a password).',
  }),
  nopasswdFile: Type.String({
    pattern: '^/etc/sudoers\\.d/[A-Za-z0-9_-]+$',
    default: '/etc/sudoers.d/90-bosun-nopasswd',
    description: "The sudoers drop-in of 'nopasswd' users (sudo skips names with a dot or ending in ~).",
  }),
});

export type UsersVariables = Static<typeof usersVariables>;
export type UserEntry = Static<typeof userEntry>;
/** A user entry once ajv has filled in the defaults. */
export type ResolvedUser = UserEntry &
  Required<
    Pick<
      UserEntry,
      | 'state'
      | 'groups'
      | 'appendGroups'
      | 'shell'
      | 'sudo'
      | 'authorizedKeys'
      | 'exclusiveKeys'
      | 'system'
      | 'removeHome'
    >
  >;
export type GroupEntry = Static<typeof groupEntry>;
