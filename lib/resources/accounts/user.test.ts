import assert from 'node:assert/strict';
import type { RunAction } from '../actions.js';
import { decideUser, parseUserProbe, planUser, user, type UserDesired, type UserState } from './user.js';

const want = (overrides: Partial<UserDesired> = {}): UserDesired => ({
  name: 'deploy',
  groups: [],
  append: true,
  optionalGroups: [],
  removeFromGroups: [],
  createHome: true,
  system: false,
  state: 'present',
  remove: false,
  ...overrides,
});
const existing = (overrides: Partial<UserState> = {}): UserState => ({
  exists: true,
  uid: 1000,
  gid: 1000,
  primaryGroup: 'deploy',
  groups: ['sudo'],
  shell: '/bin/bash',
  home: '/home/deploy',
  comment: '',
  homeExists: true,
  missingGroups: [],
  optionalGroupsPresent: [],
  ownGroupExists: true,
  asRoot: true,
  ...overrides,
});
/** A user that does not exist, as the probe's script reads it. */
const notFound = {
  exists: false,
  groups: [],
  homeExists: false,
  missingGroups: [],
  optionalGroupsPresent: [],
  ownGroupExists: false,
};
const missing = (overrides: Partial<UserState> = {}): UserState => ({
  ...notFound,
  asRoot: true,
  ...overrides,
});
/** The one command a user's plan runs, named after its lines. */
const userRun = (lines: string[], command: string, extra: Partial<RunAction> = {}): RunAction => ({
  kind: 'run',
  command,
  what: `user deploy (${lines.join(', ')})`,
  code: 'USER_FAILED',
  ...extra,
});

describe('parseUserProbe', () => {
  it('reads passwd, the groups without the primary one, the home and the lock state', () => {
    const stdout = [
      'passwd=deploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash',
      'primary=deploy',
      'groups=deploy sudo docker',
      'home_exists=1',
      'password_locked=1',
      'password_set=0',
      'own_group=1',
      'missing_groups= nosuch',
      'optional_groups= docker',
    ].join('\n');
    assert.deepEqual(parseUserProbe(stdout, { name: 'deploy' }), {
      exists: true,
      uid: 1000,
      gid: 1000,
      primaryGroup: 'deploy',
      groups: ['sudo', 'docker'],
      shell: '/bin/bash',
      home: '/home/deploy',
      comment: 'Deploy User,,,',
      homeExists: true,
      missingGroups: ['nosuch'],
      optionalGroupsPresent: ['docker'],
      ownGroupExists: true,
      password: { locked: true, set: false },
    });
  });

  it('reads a missing user, and a shadow file it could not read', () => {
    assert.deepEqual(parseUserProbe('missing_groups=\n', { name: 'deploy' }), notFound);
    const state = parseUserProbe('passwd=deploy:x:1:1::/h:/bin/sh\nprimary=deploy\nshadow_unreadable=1\n', {
      name: 'deploy',
    });
    assert.equal(state.shadowUnreadable, true);
    assert.equal(state.password, undefined);
  });
});

describe('planUser', () => {
  it('creates a missing user, naming what it gets; optional groups only when they exist', () => {
    const desired = want({ groups: ['sudo'], optionalGroups: ['docker'], shell: '/bin/bash' });
    assert.deepEqual(planUser(missing(), desired), {
      actions: [
        userRun(
          ['create user deploy (groups sudo, shell /bin/bash)'],
          'useradd -G sudo -s /bin/bash -m deploy',
        ),
      ],
      changes: ['create user deploy (groups sudo, shell /bin/bash)'],
    });
    assert.deepEqual(planUser(missing({ optionalGroupsPresent: ['docker'] }), desired), {
      actions: [
        userRun(
          ['create user deploy (groups sudo,docker, shell /bin/bash)'],
          'useradd -G sudo,docker -s /bin/bash -m deploy',
        ),
      ],
      changes: ['create user deploy (groups sudo,docker, shell /bin/bash)'],
    });
  });

  it('joins a group of its own name that exists already instead of failing in useradd', () => {
    const actions = decideUser(missing({ ownGroupExists: true }), want());
    assert.equal(actions.group, 'deploy');
    assert.deepEqual(actions.lines, ['create user deploy (group deploy)']);
    assert.equal(decideUser(missing(), want({ group: 'deploy' })).group, undefined);
  });

  it('waits for an earlier task when a required group does not exist yet', () => {
    assert.deepEqual(planUser(missing({ missingGroups: ['docker'] }), want({ groups: ['docker'] })), {
      actions: [userRun(['create user deploy (groups docker)'], 'useradd -G docker -m deploy')],
      changes: ['create user deploy (groups docker)'],
      needsEarlierChanges: 'group docker does not exist yet',
    });
  });

  it('changes only what differs on an existing user', () => {
    assert.deepEqual(planUser(existing(), want({ shell: '/bin/bash', groups: ['sudo'] })), {
      actions: [],
      changes: [],
    });
    const lines = [
      'uid 1000 → 1500',
      'add to groups adm',
      'shell /bin/sh → /bin/bash',
      'home /home/deploy → /srv/deploy',
      "comment 'old' → 'Deploy'",
    ];
    assert.deepEqual(
      planUser(
        existing({ shell: '/bin/sh', comment: 'old' }),
        want({
          uid: 1500,
          shell: '/bin/bash',
          comment: 'Deploy',
          groups: ['sudo', 'adm'],
          home: '/srv/deploy',
        }),
      ),
      {
        actions: [userRun(lines, 'usermod -u 1500 -a -G adm -s /bin/bash -d /srv/deploy -c Deploy deploy')],
        changes: lines,
      },
    );
  });

  it('adds groups with append, and sets the exact list without it', () => {
    const current = existing({ groups: ['sudo', 'adm'] });
    assert.deepEqual(decideUser(current, want({ groups: ['docker'] })).addGroups, ['docker']);
    const exact = decideUser(current, want({ groups: ['docker'], append: false }));
    assert.deepEqual(exact.lines, ['add to groups docker', 'remove from groups sudo, adm']);
    assert.deepEqual(exact.setGroups, ['docker']);
    assert.deepEqual(planUser(current, want({ groups: ['docker'], append: false })).actions, [
      userRun(exact.lines, 'usermod -G docker deploy'),
    ]);
    // The primary group listed among the others is no change.
    assert.deepEqual(planUser(existing({ groups: [] }), want({ groups: ['deploy'], append: false })), {
      actions: [],
      changes: [],
    });
  });

  it('changes the primary group by name or gid', () => {
    assert.deepEqual(planUser(existing(), want({ group: 'users' })).changes, [
      'primary group deploy → users',
    ]);
    assert.deepEqual(planUser(existing(), want({ group: '1000' })).changes, []);
  });

  it('creates a missing home only when asked', () => {
    assert.deepEqual(planUser(existing({ homeExists: false }), want()).changes, [
      'create home directory /home/deploy',
    ]);
    assert.deepEqual(planUser(existing({ homeExists: false }), want({ createHome: false })).changes, []);
  });

  it('locks and unlocks the password, and refuses to unlock one that has no hash', () => {
    const usable = existing({ password: { locked: false, set: true } });
    const lockedWithHash = existing({ password: { locked: true, set: true } });
    const lockedEmpty = existing({ password: { locked: true, set: false } });
    assert.deepEqual(planUser(usable, want({ locked: true })).changes, ['lock password']);
    assert.deepEqual(planUser(lockedEmpty, want({ locked: true })).changes, []);
    assert.deepEqual(planUser(lockedWithHash, want({ locked: false })).changes, ['unlock password']);
    assert.throws(() => planUser(lockedEmpty, want({ locked: false })), /cannot unlock the password/);
    assert.throws(() => planUser(missing(), want({ locked: false })), /a new user has no password/);
    assert.throws(
      () => planUser(existing({ shadowUnreadable: true }), want({ locked: true })),
      /run the task with become/,
    );
  });

  it('removes listed groups one by one with append, and not a group that is also wanted', () => {
    const current = existing({ groups: ['sudo', 'adm'] });
    const actions = decideUser(current, want({ removeFromGroups: ['sudo', 'docker'] }));
    assert.deepEqual(actions.lines, ['remove from groups sudo']);
    assert.deepEqual(actions.leaveGroups, ['sudo']);
    assert.equal(actions.setGroups, undefined);
    assert.deepEqual(planUser(current, want({ removeFromGroups: ['sudo', 'docker'] })).actions, [
      userRun(actions.lines, 'gpasswd -d deploy sudo >/dev/null'),
    ]);
  });

  it('sets a password hash that differs, keeping or adding the lock, and never names the hash', () => {
    const hash = '$y$j9T$salt$hashhashhash';
    const matching = existing({ password: { locked: true, set: true, matches: true } });
    assert.deepEqual(planUser(matching, want({ passwordHash: hash, locked: true })).changes, []);
    assert.deepEqual(planUser(matching, want({ passwordHash: hash })).changes, []);
    assert.deepEqual(planUser(matching, want({ passwordHash: hash, locked: false })).changes, [
      'unlock password',
    ]);
    const other = existing({ password: { locked: false, set: true } });
    const actions = decideUser(other, want({ passwordHash: hash, locked: true }));
    assert.deepEqual(actions.lines, ['set password', 'lock password']);
    assert.equal(actions.setPassword && actions.lock, true);
    assert.deepEqual(
      planUser(other, want({ passwordHash: hash, locked: true })).actions,
      [userRun(actions.lines, 'chpasswd -e && usermod -L deploy', { stdin: `deploy:${hash}\n` })],
      'the hash goes through stdin, never into the command',
    );
    const lockedOther = existing({ password: { locked: true, set: true } });
    const kept = decideUser(lockedOther, want({ passwordHash: hash }));
    assert.deepEqual([kept.lines, kept.lock], [['set password'], true], 'a lock left as it is stays');
    assert.deepEqual(decideUser(lockedOther, want({ passwordHash: hash, locked: true })).lines, [
      'set password',
    ]);
    assert.deepEqual(planUser(missing(), want({ passwordHash: hash, locked: false })).changes, [
      'create user deploy (password)',
    ]);
  });

  it('removes an existing user, with its home when asked', () => {
    assert.deepEqual(planUser(existing(), want({ state: 'absent' })).changes, ['remove user deploy']);
    assert.deepEqual(planUser(existing(), want({ state: 'absent', remove: true })).actions, [
      userRun(['remove user deploy and its home /home/deploy'], 'userdel -r deploy'),
    ]);
    assert.deepEqual(planUser(existing(), want({ state: 'absent', remove: true })).changes, [
      'remove user deploy and its home /home/deploy',
    ]);
    assert.deepEqual(planUser(missing(), want({ state: 'absent' })).changes, []);
  });

  it('tells a user who is not root that managing users needs root', () => {
    assert.deepEqual(
      planUser(existing({ asRoot: false, shell: '/bin/sh' }), want({ shell: '/bin/bash' })).actions,
      [
        userRun(['shell /bin/sh → /bin/bash'], 'usermod -s /bin/bash deploy', {
          hint: 'managing users needs root: connect as root or set become.',
        }),
      ],
    );
  });
});

describe('user options', () => {
  it('refuses values that could become options or corrupt /etc/passwd', () => {
    assert.throws(() => user({ name: '--help' }), /not a valid user or group name/);
    assert.throws(() => user({ name: 'a', groups: ['ok', 'b;c'] }), /groups: 'b;c' is not a valid/);
    assert.throws(() => user({ name: 'a', shell: 'bash' }), /must be an absolute path/);
    assert.throws(() => user({ name: 'a', comment: 'x:y' }), /cannot contain ':'/);
    assert.throws(() => user({ name: 'a', remove: true }), /only has a meaning with state 'absent'/);
    assert.throws(() => user({ name: 'a', uid: 1.5 }), /not a valid uid/);
    assert.throws(() => user({ name: 'a', passwordHash: 'hunter2' }), /crypt\(3\) hash/);
    assert.throws(() => user({ name: 'a', removeFromGroups: ['-x'] }), /removeFromGroups/);
  });
});
