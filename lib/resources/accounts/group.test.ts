import assert from 'node:assert/strict';
import { group, parseGroupEntry, planGroup, type GroupDesired } from './group.js';

const want = (overrides: Partial<GroupDesired> = {}): GroupDesired => ({
  name: 'deploy',
  system: false,
  state: 'present',
  ...overrides,
});

describe('parseGroupEntry', () => {
  it('reads the gid and members of the named group only', () => {
    assert.deepEqual(parseGroupEntry('deploy:x:1500:alice,bob\n', 'deploy'), {
      exists: true,
      gid: 1500,
      members: ['alice', 'bob'],
    });
    assert.deepEqual(parseGroupEntry('deployers:x:1501:\n', 'deploy'), { exists: false, members: [] });
    assert.deepEqual(parseGroupEntry('', 'deploy'), { exists: false, members: [] });
  });
});

describe('planGroup', () => {
  it('creates a missing group with its gid and system flag in the line', () => {
    const missing = { exists: false, members: [] };
    assert.deepEqual(planGroup(missing, want()), { changes: ['create group deploy'] });
    assert.deepEqual(planGroup(missing, want({ gid: 1500, system: true })), {
      changes: ['create group deploy (gid 1500, system)'],
    });
  });

  it('changes only a differing gid, and ignores system on an existing group', () => {
    const current = { exists: true, gid: 1001, members: [] };
    assert.deepEqual(planGroup(current, want({ gid: 1500 })), { changes: ['gid 1001 → 1500'] });
    assert.deepEqual(planGroup(current, want({ gid: 1001, system: true })), { changes: [] });
    assert.deepEqual(planGroup(current, want()), { changes: [] });
  });

  it('removes an existing group and leaves a missing one alone', () => {
    assert.deepEqual(planGroup({ exists: true, gid: 1, members: [] }, want({ state: 'absent' })), {
      changes: ['remove group deploy'],
    });
    assert.deepEqual(planGroup({ exists: false, members: [] }, want({ state: 'absent' })), { changes: [] });
  });
});

describe('group options', () => {
  it('refuses names that could become options or corrupt /etc/group', () => {
    for (const name of ['-r', 'a:b', 'x y', '', 'a'.repeat(40), '$(id)'])
      assert.throws(() => group({ name }), /not a valid user or group name/, name);
    assert.throws(() => group({ name: 'ok', gid: -1 }), /not a valid uid\/gid/);
    assert.equal(group({ name: 'docker' }).id, 'docker');
  });
});
