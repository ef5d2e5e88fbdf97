import assert from 'node:assert/strict';
import type { RunAction } from '../actions.js';
import { group, parseGroupEntry, planGroup, type GroupDesired, type GroupState } from './group.js';

const want = (overrides: Partial<GroupDesired> = {}): GroupDesired => ({
  name: 'deploy',
  system: false,
  state: 'present',
  ...overrides,
});
const state = (overrides: Partial<GroupState> = {}): GroupState => ({
  exists: true,
  members: [],
  asRoot: true,
  ...overrides,
});
const groupRun = (command: string, extra: Partial<RunAction> = {}): RunAction => ({
  kind: 'run',
  command,
  what: 'changing group deploy',
  code: 'GROUP_FAILED',
  ...extra,
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
    const missing = state({ exists: false });
    assert.deepEqual(planGroup(missing, want()), {
      actions: [groupRun('groupadd deploy')],
      changes: ['create group deploy'],
    });
    assert.deepEqual(planGroup(missing, want({ gid: 1500, system: true })), {
      actions: [groupRun('groupadd -g 1500 -r deploy')],
      changes: ['create group deploy (gid 1500, system)'],
    });
  });

  it('changes only a differing gid, and ignores system on an existing group', () => {
    const current = state({ gid: 1001 });
    assert.deepEqual(planGroup(current, want({ gid: 1500 })), {
      actions: [groupRun('groupmod -g 1500 deploy')],
      changes: ['gid 1001 → 1500'],
    });
    assert.deepEqual(planGroup(current, want({ gid: 1001, system: true })), { actions: [], changes: [] });
    assert.deepEqual(planGroup(current, want()), { actions: [], changes: [] });
  });

  it('removes an existing group and leaves a missing one alone', () => {
    assert.deepEqual(planGroup(state({ gid: 1 }), want({ state: 'absent' })), {
      actions: [groupRun('groupdel deploy')],
      changes: ['remove group deploy'],
    });
    assert.deepEqual(planGroup(state({ exists: false }), want({ state: 'absent' })), {
      actions: [],
      changes: [],
    });
  });

  it('tells a user who is not root that managing groups needs root', () => {
    assert.deepEqual(planGroup(state({ exists: false, asRoot: false }), want()).actions, [
      groupRun('groupadd deploy', { hint: 'managing groups needs root: connect as root or set become.' }),
    ]);
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
