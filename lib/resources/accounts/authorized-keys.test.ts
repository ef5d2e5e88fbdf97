import assert from 'node:assert/strict';
import { describeAuthorizedKey, formatAuthorizedKey, parseAuthorizedKey } from './authorized-key-line.js';
import {
  authorizedKeys,
  decideAuthorizedKeys,
  mergeAuthorizedKeys,
  parseAuthorizedKeysProbe,
  planAuthorizedKeys,
  type AuthorizedKeysDesired,
  type AuthorizedKeysState,
} from './authorized-keys.js';
import type { PathStat } from '../files/path-attributes.js';

const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAABAQC7';
const OLD = 'AAAAC3NzaC1lZDI1NTE5AAAAIB0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0';
const key = (text: string) => parseAuthorizedKey(text)!;
const want = (keys: string[], overrides: Partial<AuthorizedKeysDesired> = {}): AuthorizedKeysDesired => ({
  user: 'deploy',
  keys: keys.map(key),
  exclusive: false,
  verifyLogin: false,
  ...overrides,
});
const stat = (type: PathStat['type'], mode: string, owner = 'deploy'): PathStat => ({
  type,
  description: type === 'file' ? 'regular file' : type,
  mode,
  owner,
  uid: owner === 'root' ? '0' : '1000',
  group: owner,
  gid: owner === 'root' ? '0' : '1000',
  size: 0,
});
const ready = (content: string): AuthorizedKeysState => ({
  userExists: true,
  home: '/home/deploy',
  primaryGroup: 'deploy',
  dir: stat('directory', '0700'),
  file: stat('file', '0600'),
  content,
});

describe('authorized_keys lines', () => {
  it('reads options with quoted spaces and commas, the type, the key and the comment', () => {
    assert.deepEqual(
      key(`from="10.0.0.1,10.0.0.2",command="echo hi there" ssh-ed25519 ${ED} admin@laptop x`),
      {
        options: 'from="10.0.0.1,10.0.0.2",command="echo hi there"',
        type: 'ssh-ed25519',
        blob: ED,
        comment: 'admin@laptop x',
      },
    );
    assert.deepEqual(key(`ssh-rsa ${RSA}`), { type: 'ssh-rsa', blob: RSA });
    assert.equal(parseAuthorizedKey('# a comment'), undefined);
    assert.equal(parseAuthorizedKey('   '), undefined);
    assert.equal(parseAuthorizedKey('not a key at all'), undefined);
    assert.equal(formatAuthorizedKey(key(`no-pty  ssh-rsa ${RSA}  c`)), `no-pty ssh-rsa ${RSA} c`);
    assert.equal(describeAuthorizedKey(key(`ssh-ed25519 ${ED} me`)), 'ssh-ed25519 …Wi0dh2l9GKJl me');
  });
});

describe('mergeAuthorizedKeys', () => {
  it('appends new keys, keeps comments, blank lines and unlisted keys', () => {
    const current = `# team keys\n\nssh-rsa ${RSA} other@host\n`;
    const { content, lines, removesAccess } = mergeAuthorizedKeys(current, want([`ssh-ed25519 ${ED} me`]));
    assert.equal(content, `# team keys\n\nssh-rsa ${RSA} other@host\nssh-ed25519 ${ED} me\n`);
    assert.deepEqual(lines, [`add key ${describeAuthorizedKey(key(`ssh-ed25519 ${ED} me`))}`]);
    assert.equal(removesAccess, false);
  });

  it('never writes a key twice: a present key is kept, its duplicates removed', () => {
    const current = `ssh-ed25519 ${ED} me\nssh-ed25519 ${ED} me again\n`;
    const merged = mergeAuthorizedKeys(current, want([`ssh-ed25519 ${ED}`]));
    assert.equal(merged.content, `ssh-ed25519 ${ED} me\n`);
    assert.deepEqual(merged.lines, [`remove duplicate of key ssh-ed25519 …${ED.slice(-12)} me again`]);
    assert.deepEqual(mergeAuthorizedKeys(`ssh-ed25519 ${ED} me\n`, want([`ssh-ed25519 ${ED}`])).lines, []);
  });

  it('gives a present key the listed options and comment in place', () => {
    const current = `ssh-rsa ${RSA} a\nssh-ed25519 ${ED} old-comment\n`;
    const merged = mergeAuthorizedKeys(current, want([`from="10.0.0.0/8" ssh-ed25519 ${ED} new`]));
    assert.equal(merged.content, `ssh-rsa ${RSA} a\nfrom="10.0.0.0/8" ssh-ed25519 ${ED} new\n`);
    assert.deepEqual(merged.lines, [`update key ssh-ed25519 …${ED.slice(-12)} new (options, comment)`]);
    assert.equal(merged.removesAccess, true, 'new options may restrict the key');
  });

  it('with exclusive, removes every unlisted key but keeps comments', () => {
    const current = `# keep me\nssh-ed25519 ${OLD} old\nssh-ed25519 ${ED} me\ngarbage line\n`;
    const merged = mergeAuthorizedKeys(current, want([`ssh-ed25519 ${ED} me`], { exclusive: true }));
    assert.equal(merged.content, `# keep me\nssh-ed25519 ${ED} me\n`);
    assert.deepEqual(merged.lines, [
      `remove key ssh-ed25519 …${OLD.slice(-12)} old`,
      "remove line 'garbage line' (not a key Bosun can read)",
    ]);
    assert.equal(merged.removesAccess, true);
    assert.equal(mergeAuthorizedKeys(`ssh-ed25519 ${OLD} old\n`, want([], { exclusive: true })).content, '');
  });
});

describe('planAuthorizedKeys', () => {
  it('creates ~/.ssh and the file for a user that exists, with the diff', () => {
    const current: AuthorizedKeysState = { userExists: true, home: '/home/deploy', primaryGroup: 'deploy' };
    assert.deepEqual(planAuthorizedKeys(current, want([`ssh-ed25519 ${ED} me`])), {
      actions: [
        {
          kind: 'run',
          command:
            'mkdir -p -- /home/deploy/.ssh && chown deploy:deploy -- /home/deploy/.ssh && chmod 0700 -- /home/deploy/.ssh',
          what: 'creating /home/deploy/.ssh',
          code: 'AUTHORIZED_KEYS_FAILED',
        },
        {
          kind: 'upload',
          path: '/home/deploy/.ssh/authorized_keys',
          content: `ssh-ed25519 ${ED} me\n`,
          options: { owner: 'deploy', group: 'deploy', mode: '0600' },
        },
      ],
      changes: [
        'create /home/deploy/.ssh (mode 0700, owner deploy)',
        'create /home/deploy/.ssh/authorized_keys (mode 0600, owner deploy)',
        `add key ssh-ed25519 …${ED.slice(-12)} me`,
      ],
      diff: `--- before: /home/deploy/.ssh/authorized_keys\n+++ after: /home/deploy/.ssh/authorized_keys\n@@ -0,0 +1,1 @@\n+ssh-ed25519 ${ED} me\n`,
    });
  });

  it('waits for an earlier task when the user does not exist yet', () => {
    const plan = planAuthorizedKeys({ userExists: false }, want([`ssh-ed25519 ${ED} me`]));
    assert.equal(plan.needsEarlierChanges, 'user deploy does not exist yet');
    assert.deepEqual(plan.changes.slice(0, 2), [
      'create ~deploy/.ssh (mode 0700, owner deploy)',
      'create ~deploy/.ssh/authorized_keys (mode 0600, owner deploy)',
    ]);
  });

  it('fixes the modes and owners sshd StrictModes wants, without rewriting a right file', () => {
    const current = {
      ...ready(`ssh-ed25519 ${ED} me\n`),
      dir: stat('directory', '0755', 'root'),
      file: stat('file', '0644'),
    };
    const actions = decideAuthorizedKeys(current, want([`ssh-ed25519 ${ED} me`]));
    assert.deepEqual(actions.lines, [
      '/home/deploy/.ssh: mode 0755 → 0700',
      '/home/deploy/.ssh: owner root → deploy',
      '/home/deploy/.ssh: group root → deploy',
      '/home/deploy/.ssh/authorized_keys: mode 0644 → 0600',
    ]);
    assert.equal(actions.content, undefined);
    assert.equal(actions.fixDir && actions.fixFile, true);
    assert.deepEqual(planAuthorizedKeys(current, want([`ssh-ed25519 ${ED} me`])).actions, [
      {
        kind: 'run',
        command: 'chown deploy:deploy -- /home/deploy/.ssh && chmod 0700 -- /home/deploy/.ssh',
        what: 'creating /home/deploy/.ssh',
        code: 'AUTHORIZED_KEYS_FAILED',
      },
      {
        kind: 'run',
        command:
          'chown deploy:deploy -- /home/deploy/.ssh/authorized_keys && chmod 0600 -- /home/deploy/.ssh/authorized_keys',
        what: 'setting mode/owner of /home/deploy/.ssh/authorized_keys',
        code: 'AUTHORIZED_KEYS_FAILED',
      },
    ]);
  });

  it('is a no-op when everything is right, and when there is no file and no key', () => {
    assert.deepEqual(planAuthorizedKeys(ready(`ssh-ed25519 ${ED} me\n`), want([`ssh-ed25519 ${ED}`])), {
      actions: [],
      changes: [],
    });
    const noFile: AuthorizedKeysState = { userExists: true, home: '/home/deploy', primaryGroup: 'deploy' };
    assert.deepEqual(planAuthorizedKeys(noFile, want([], { exclusive: true })), { actions: [], changes: [] });
  });

  it('with verifyLogin, confirms a fresh login after removing a key, carrying the old file to restore', () => {
    const before = `ssh-ed25519 ${OLD} old\nssh-ed25519 ${ED} me\n`;
    const desired = want([`ssh-ed25519 ${ED} me`], { exclusive: true, verifyLogin: true });
    assert.deepEqual(planAuthorizedKeys(ready(before), desired).actions, [
      {
        kind: 'upload',
        path: '/home/deploy/.ssh/authorized_keys',
        content: `ssh-ed25519 ${ED} me\n`,
        options: { owner: 'deploy', group: 'deploy', mode: '0600' },
      },
      {
        kind: 'custom',
        name: 'confirm-login',
        path: '/home/deploy/.ssh/authorized_keys',
        previous: before,
        attributes: { owner: 'deploy', group: 'deploy', mode: '0600' },
      },
    ]);
    const adding = planAuthorizedKeys(ready(`ssh-ed25519 ${ED} me\n`), {
      ...desired,
      keys: [...desired.keys, key(`ssh-rsa ${RSA} new`)],
    });
    assert.deepEqual(
      adding.actions?.map((action) => action.kind),
      ['upload'],
      'adding a key cannot cut a login: no fresh login',
    );
  });

  it('leaves the directory of another path alone, and waits when it is missing', () => {
    const path = '/etc/ssh/authorized_keys/deploy';
    const current: AuthorizedKeysState = { userExists: true, home: '/home/deploy', primaryGroup: 'deploy' };
    const plan = planAuthorizedKeys(current, want([`ssh-ed25519 ${ED}`], { path }));
    assert.deepEqual(plan.changes.slice(0, 1), [`create ${path} (mode 0600, owner deploy)`]);
    assert.equal(plan.needsEarlierChanges, 'directory /etc/ssh/authorized_keys does not exist yet');
  });

  it('refuses a symlinked file', () => {
    const current = { ...ready(''), file: { ...stat('link', '0777'), description: 'symbolic link' } };
    assert.throws(() => planAuthorizedKeys(current, want([`ssh-ed25519 ${ED}`])), /is a symbolic link/);
  });
});

describe('parseAuthorizedKeysProbe', () => {
  it('reads the account, both stats and the content', () => {
    const values = new Map([
      ['passwd', 'deploy:x:1000:1000::/home/deploy:/bin/bash'],
      ['primary', 'deploy'],
      ['dir.type', 'directory'],
      ['dir.mode', '700'],
      ['dir.owner', 'deploy'],
      ['file.type', 'regular file'],
      ['file.mode', '600'],
      ['content', Buffer.from('# x\n').toString('base64')],
    ]);
    const state = parseAuthorizedKeysProbe(values);
    assert.equal(state.home, '/home/deploy');
    assert.equal(state.dir?.mode, '0700');
    assert.equal(state.file?.type, 'file');
    assert.equal(state.content, '# x\n');
    assert.deepEqual(parseAuthorizedKeysProbe(new Map()), { userExists: false });
  });
});

describe('authorizedKeys options', () => {
  it('reads several keys from one entry, dedupes them, and refuses what is not a key', () => {
    const resource = authorizedKeys({
      user: 'deploy',
      keys: [`# mine\nssh-ed25519 ${ED} a\n\nssh-ed25519 ${ED} a\n`],
    });
    assert.equal(resource.id, '~deploy/.ssh/authorized_keys');
    assert.throws(
      () => authorizedKeys({ user: 'deploy', keys: ['ssh-ed25519'] }),
      /is not a public key line/,
    );
    assert.throws(
      () => authorizedKeys({ user: 'deploy', keys: [`ssh-ed25519 ${ED}`, `no-pty ssh-ed25519 ${ED}`] }),
      /listed twice with different options/,
    );
  });
});
