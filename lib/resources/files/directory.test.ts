import assert from 'node:assert/strict';
import { run } from '../actions.js';
import type { Probe } from '../resource.js';
import { directory, planDirectory, type DirectoryDesired, type DirectoryState } from './directory.js';
import { assertFails, output, probeContext } from './fixtures/probes.js';
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
const setUp = (command: string) => run(command, 'setting up /srv/app', 'DIRECTORY_FAILED');
const want = (overrides: Partial<DirectoryDesired> = {}): DirectoryDesired => ({
  path: '/srv/app',
  state: 'present',
  recurse: false,
  ...overrides,
});

describe('planDirectory', () => {
  it('creates a missing directory', () => {
    assert.deepEqual(planDirectory(missing, want({ mode: '0750', owner: 'deploy' })), {
      actions: [setUp('mkdir -p -- /srv/app && chown deploy -- /srv/app && chmod 0750 -- /srv/app')],
      changes: ['create /srv/app (mode 0750, owner deploy)'],
    });
  });

  it('changes mode and owner of an existing directory', () => {
    assert.deepEqual(planDirectory(existing(), want({ mode: '0750', owner: 'deploy', group: 'deploy' })), {
      actions: [setUp('chown deploy:deploy -- /srv/app && chmod 0750 -- /srv/app')],
      changes: ['mode 0755 → 0750', 'owner root → deploy', 'group root → deploy'],
    });
  });

  it('changes nothing when it is as wanted', () => {
    assert.deepEqual(planDirectory(existing(), want({ mode: '0755', owner: 'root' })), {
      actions: [],
      changes: [],
    });
  });

  it('fixes entries inside with recurse', () => {
    assert.deepEqual(
      planDirectory(existing({ mismatchedInside: 3 }), want({ owner: 'root', recurse: true })),
      {
        actions: [setUp('chown -R root -- /srv/app')],
        changes: ['owner of 3 entries inside /srv/app'],
      },
    );
    assert.deepEqual(
      planDirectory(
        existing({ mismatchedInside: 12 }),
        want({ owner: 'root', group: 'www', mode: '0755', recurse: true }),
      ),
      {
        actions: [setUp('chown -R root:www -- /srv/app && chmod -R 0755 -- /srv/app')],
        changes: ['group root → www', 'owner/group/mode of 12 entries inside /srv/app'],
      },
    );
  });

  it('removes with state absent', () => {
    assert.deepEqual(planDirectory(existing(), want({ state: 'absent' })), {
      actions: [run('rm -rf -- /srv/app', 'removing /srv/app', 'DIRECTORY_FAILED')],
      changes: ['remove /srv/app and everything in it'],
    });
    assert.deepEqual(planDirectory(missing, want({ state: 'absent' })), { actions: [], changes: [] });
  });

  it('waits for an earlier task that creates the owner', () => {
    assert.deepEqual(planDirectory({ ...missing, groupMissing: true }, want({ group: 'deploy' })), {
      actions: [setUp('mkdir -p -- /srv/app && chown :deploy -- /srv/app')],
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

describe('directory probe', () => {
  const probe = directory({ path: '/srv/app', owner: 'deploy', mode: '0750', recurse: true }).probe(
    probeContext(),
  ) as Probe<DirectoryState>;

  it('counts the entries inside that differ, in the same script', () => {
    assert.match(
      probe.script,
      /find "\$p" -mindepth 1 \\\( ! -user deploy -o \\\( ! -type l ! -perm 0750 \\\) \\\)/,
    );
  });

  it('reads the stat, the missing owner and the count of entries to fix', () => {
    const stdout =
      'type=directory\nmode=755\nowner=root\nuid=0\ngroup=root\ngid=0\nsize=4096\nmismatched=12\n';
    assert.deepEqual(probe.parse(output(stdout)), existing({ mismatchedInside: 12 }));
    assert.deepEqual(probe.parse(output('owner_missing=1\n')), {
      stat: undefined,
      ...missing,
      ownerMissing: true,
    });
  });

  it('fails with PROBE_FAILED when the script failed', () => {
    assertFails(
      () => probe.parse(output('', 3, 'stat: Permission denied\n')),
      'PROBE_FAILED',
      'web-1: probing /srv/app failed (exit 3):\nstat: Permission denied',
    );
  });
});
