import assert from 'node:assert/strict';
import { directory, planDirectory, type DirectoryDesired, type DirectoryState } from './directory.js';
import type { PathStat } from './path-attributes.js';

const dirStat = (overrides: Partial<PathStat> = {}): PathStat => ({
  type: 'directory',
  description: 'directory',
  mode: '0755',
  owner: 'root',
  uid: '0',
  group: 'root',
  gid: '0',
  size: 4096,
  ...overrides,
});
const existing = (overrides: Partial<DirectoryState> = {}): DirectoryState => ({
  stat: dirStat(),
  ownerMissing: false,
  groupMissing: false,
  mismatchedInside: 0,
  ...overrides,
});
const missing: DirectoryState = { ownerMissing: false, groupMissing: false, mismatchedInside: 0 };
const want = (overrides: Partial<DirectoryDesired> = {}): DirectoryDesired => ({
  path: '/srv/app',
  state: 'present',
  recurse: false,
  ...overrides,
});

describe('planDirectory', () => {
  it('creates a missing directory', () => {
    assert.deepEqual(planDirectory(missing, want({ mode: '0750', owner: 'deploy' })), {
      changes: ['create /srv/app (mode 0750, owner deploy)'],
    });
  });

  it('changes mode and owner of an existing directory', () => {
    assert.deepEqual(planDirectory(existing(), want({ mode: '0750', owner: 'deploy', group: 'deploy' })), {
      changes: ['mode 0755 → 0750', 'owner root → deploy', 'group root → deploy'],
    });
  });

  it('changes nothing when it is as wanted', () => {
    assert.deepEqual(planDirectory(existing(), want({ mode: '0755', owner: 'root' })), { changes: [] });
  });

  it('fixes entries inside with recurse', () => {
    assert.deepEqual(
      planDirectory(existing({ mismatchedInside: 3 }), want({ owner: 'root', recurse: true })),
      {
        changes: ['owner of 3 entries inside /srv/app'],
      },
    );
    assert.deepEqual(
      planDirectory(
        existing({ mismatchedInside: 12 }),
        want({ owner: 'root', group: 'www', mode: '0755', recurse: true }),
      ),
      { changes: ['group root → www', 'owner/group/mode of 12 entries inside /srv/app'] },
    );
  });

  it('removes with state absent', () => {
    assert.deepEqual(planDirectory(existing(), want({ state: 'absent' })), {
      changes: ['remove /srv/app and everything in it'],
    });
    assert.deepEqual(planDirectory(missing, want({ state: 'absent' })), { changes: [] });
  });

  it('waits for an earlier task that creates the owner', () => {
    assert.deepEqual(planDirectory({ ...missing, groupMissing: true }, want({ group: 'deploy' })), {
      changes: ['create /srv/app (group deploy)'],
      needsEarlierChanges: 'group deploy does not exist yet',
    });
  });

  it('refuses to replace a file', () => {
    const current = existing({ stat: dirStat({ type: 'file', description: 'regular file' }) });
    assert.throws(() => planDirectory(current, want()), /\/srv\/app is a regular file, not a directory/);
  });
});

describe('directory() options', () => {
  it('refuses / and relative paths', () => {
    assert.throws(() => directory({ path: '/', state: 'absent' }), /other than '\/'/);
    assert.throws(() => directory({ path: 'srv' }), /absolute path/);
    assert.throws(() => directory({ path: '/srv', mode: 'u+rwx' }), /not an octal mode/);
  });
});
