import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeOne } from '../../engine/run-resource.js';
import { LocalTransport } from '../../transport/local-transport.js';
import { run, upload } from '../actions.js';
import type { Probe } from '../resource.js';
import { file, planFile, type FileDesired, type FileState } from './file.js';
import { assertFails, output, probeContext, regularFile } from './fixtures/probes.js';
import type { PathStat } from './path-attributes.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const stat = (overrides: Partial<PathStat> = {}) => regularFile(6, overrides);
const present = (current: Partial<FileState> = {}): FileState => ({
  stat: stat(),
  parentExists: true,
  ownerMissing: false,
  groupMissing: false,
  sha256: sha('hello\n'),
  ...current,
});
const absent: FileState = { parentExists: true, ownerMissing: false, groupMissing: false };
const want = (overrides: Partial<FileDesired> = {}): FileDesired => ({
  path: '/etc/motd',
  state: 'present',
  content: Buffer.from('hello\n'),
  ...overrides,
});

describe('planFile', () => {
  it('creates a missing file, with its attributes in the line and a diff from nothing', () => {
    assert.deepEqual(planFile(absent, want({ mode: '0600', owner: 'deploy' })), {
      actions: [upload('/etc/motd', Buffer.from('hello\n'), { mode: '0600', owner: 'deploy' })],
      changes: ['create /etc/motd (mode 0600, owner deploy)'],
      diff: ['--- before: /etc/motd', '+++ after: /etc/motd', '@@ -0,0 +1,1 @@', '+hello', ''].join('\n'),
    });
  });

  it('creates an empty file without a diff when content is not managed', () => {
    assert.deepEqual(planFile(absent, want({ content: undefined, mode: '0640' })), {
      actions: [upload('/etc/motd', Buffer.alloc(0), { mode: '0640' })],
      changes: ['create /etc/motd (mode 0640)'],
    });
  });

  it('changes content, with the exact unified diff of old and new', () => {
    const current = present({ sha256: sha('one\ntwo\n'), content: Buffer.from('one\ntwo\n') });
    assert.deepEqual(planFile(current, want({ content: Buffer.from('one\nthree\n'), backup: true })), {
      actions: [upload('/etc/motd', Buffer.from('one\nthree\n'), { backup: true })],
      changes: ['content'],
      diff: [
        '--- before: /etc/motd',
        '+++ after: /etc/motd',
        '@@ -1,2 +1,2 @@',
        ' one',
        '-two',
        '+three',
        '',
      ].join('\n'),
    });
  });

  it('changes only the mode', () => {
    assert.deepEqual(planFile(present({ stat: stat({ mode: '0600' }) }), want({ mode: '0644' })), {
      actions: [run('chmod 0644 -- /etc/motd', 'setting mode/owner of /etc/motd', 'FILE_FAILED')],
      changes: ['mode 0600 → 0644'],
    });
  });

  it('changes only the owner and group', () => {
    assert.deepEqual(planFile(present(), want({ owner: 'deploy', group: 'www-data' })), {
      actions: [run('chown deploy:www-data -- /etc/motd', 'setting mode/owner of /etc/motd', 'FILE_FAILED')],
      changes: ['owner root → deploy', 'group root → www-data'],
    });
  });

  it('compares a numeric owner with the uid', () => {
    assert.deepEqual(
      planFile(present({ stat: stat({ owner: 'deploy', uid: '1000' }) }), want({ owner: '1000' })),
      {
        actions: [],
        changes: [],
      },
    );
  });

  it('changes nothing when content, mode and owner already match', () => {
    assert.deepEqual(planFile(present(), want({ mode: '0644', owner: 'root', group: '0' })), {
      actions: [],
      changes: [],
    });
  });

  it('leaves content alone when only attributes are managed', () => {
    assert.deepEqual(planFile(present({ sha256: sha('other') }), want({ content: undefined })), {
      actions: [],
      changes: [],
    });
  });

  it('reports a content change without a diff past the size limit', () => {
    const current = present({ stat: stat({ size: 5_000_000 }), sha256: sha('big') });
    assert.deepEqual(planFile(current, want()), {
      actions: [upload('/etc/motd', Buffer.from('hello\n'))],
      changes: ['content (5000000 bytes now, too large to diff)'],
    });
  });

  it('names binary content instead of diffing it', () => {
    const current = present({ sha256: sha('\0\x01'), content: Buffer.from([0, 1]) });
    assert.deepEqual(planFile(current, want()), {
      actions: [upload('/etc/motd', Buffer.from('hello\n'))],
      changes: ['content'],
      diff: 'Binary files before: /etc/motd and after: /etc/motd differ\n',
    });
  });

  it('removes a file with state absent, and does nothing when it is already gone', () => {
    assert.deepEqual(planFile(present(), want({ state: 'absent', content: undefined })), {
      actions: [run('rm -f -- /etc/motd', 'removing /etc/motd', 'FILE_FAILED')],
      changes: ['remove /etc/motd'],
    });
    assert.deepEqual(planFile(absent, want({ state: 'absent', content: undefined })), {
      actions: [],
      changes: [],
    });
  });

  it('waits for an earlier task when the parent directory or the owner does not exist yet', () => {
    assert.deepEqual(planFile({ ...absent, parentExists: false }, want({ path: '/srv/app/env' })), {
      actions: [upload('/srv/app/env', Buffer.from('hello\n'))],
      changes: ['create /srv/app/env'],
      diff: ['--- before: /srv/app/env', '+++ after: /srv/app/env', '@@ -0,0 +1,1 @@', '+hello', ''].join(
        '\n',
      ),
      needsEarlierChanges: 'directory /srv/app does not exist yet',
    });
    assert.deepEqual(planFile(present({ ownerMissing: true }), want({ owner: 'deploy' })), {
      actions: [run('chown deploy -- /etc/motd', 'setting mode/owner of /etc/motd', 'FILE_FAILED')],
      changes: ['owner root → deploy'],
      needsEarlierChanges: 'user deploy does not exist yet',
    });
  });

  it('refuses to replace a directory or a symlink', () => {
    const dir = present({ stat: stat({ type: 'directory', description: 'directory' }) });
    assert.throws(() => planFile(dir, want()), /\/etc\/motd is a directory, not a regular file/);
    assert.throws(() => planFile(dir, want({ state: 'absent', content: undefined })), /use directory/);
    const link = present({ stat: stat({ type: 'link', description: 'symbolic link' }) });
    assert.throws(() => planFile(link, want()), /is a symbolic link/);
  });
});

describe('file() options', () => {
  it('rejects what cannot work before anything runs', () => {
    assert.throws(() => file({ path: 'etc/motd', content: '' }), /must be an absolute path/);
    assert.throws(() => file({ path: '/', content: '' }), /other than '\/'/);
    assert.throws(
      () => file({ path: '/etc/motd', content: '', template: '/t.j2' }),
      /either content or template/,
    );
    assert.throws(() => file({ path: '/etc/motd', mode: '644x' }), /not an octal mode/);
    assert.throws(() => file({ path: '/etc/motd', content: 'x', validate: 'visudo -c' }), /must contain %s/);
    assert.throws(
      () => file({ path: '/etc/motd', content: 'x', state: 'absent' }),
      /no meaning with state 'absent'/,
    );
  });

  it('normalizes a three-digit mode', () => {
    const resource = file({ path: '/etc/motd/', content: 'x', mode: '600' });
    assert.equal(resource.id, '/etc/motd');
    assert.deepEqual(resource.plan(present({ sha256: sha('x') })).changes, ['mode 0644 → 0600']);
  });

  it('renders a template for the plan', () => {
    const resource = file({
      path: '/etc/motd',
      template: new URL('./fixtures/templates/motd.j2', import.meta.url),
      vars: { host: 'web-1', users: ['ann'] },
    });
    const plan = resource.plan(absent);
    assert.match(plan.diff ?? '', /\+Welcome to web-1\n\+- ann\n\+Managed by Bosun <&> web #1\n$/);
  });
});

describe('file probe', () => {
  const motd = file({ path: '/etc/motd', content: 'hello\n', owner: 'deploy' });
  const probe = (diff = false) => motd.probe(probeContext(diff)) as Probe<FileState>;
  const stats = 'type=regular file\nmode=644\nowner=root\nuid=0\ngroup=root\ngid=0\nsize=4\n';

  it('asks for a digest of the content, and for the content itself only with --diff', () => {
    assert.doesNotMatch(probe().script, /base64/);
    assert.match(probe().script, /sha256sum/);
    assert.match(probe(true).script, new RegExp(`!= ${sha('hello\n')} .*\n.*base64 -w0`));
  });

  it('reads the stat, the digest and, when sent, the old content', () => {
    assert.deepEqual(probe().parse(output(`${stats}sha256=${sha('old\n')}\n`)), {
      stat: stat({ mode: '0644', size: 4 }),
      parentExists: true,
      ownerMissing: false,
      groupMissing: false,
      sha256: sha('old\n'),
      content: undefined,
    });
    const withContent = probe(true).parse(output(`${stats}sha256=${sha('old\n')}\ncontent=b2xkCg==\n`));
    assert.equal(withContent.content?.toString(), 'old\n');
  });

  it('reads a missing file whose folder and owner an earlier task creates', () => {
    assert.deepEqual(probe().parse(output('parent_missing=1\nowner_missing=1\n')), {
      stat: undefined,
      parentExists: false,
      ownerMissing: true,
      groupMissing: false,
      sha256: undefined,
      content: undefined,
    });
  });

  it('fails on a file it may not read, and on a script that failed', () => {
    assertFails(
      () => probe().parse(output(`${stats}unreadable=1\n`)),
      'FILE_UNREADABLE',
      'web-1: cannot read /etc/motd to compare its content; run the task with become.',
    );
    assertFails(
      () => probe().parse(output('', 3, "stat: cannot stat '/etc/motd': Permission denied\n")),
      'PROBE_FAILED',
      "web-1: probing /etc/motd failed (exit 3):\nstat: cannot stat '/etc/motd': Permission denied",
    );
  });

  it('plans a content change without a diff when the probe sent only the digest', () => {
    const current = present({ sha256: sha('old\n') });
    assert.deepEqual(planFile(current, want({ validate: 'visudo -cf %s' })), {
      actions: [upload('/etc/motd', Buffer.from('hello\n'), { validate: 'visudo -cf %s' })],
      changes: ['content'],
    });
  });

  describe('on this machine', function () {
    this.timeout(10_000);
    const transport = new LocalTransport('web-1');
    let dir: string;
    before(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-file-probe-'))));
    after(() => rm(dir, { recursive: true, force: true }));
    const probed = (path: string, diff: boolean) =>
      probeOne(file({ path, content: 'hello\n' }), { ...probeContext(diff), transport });

    it('sends the old content only with --diff, and only when it differs', async () => {
      const path = join(dir, 'motd');
      await writeFile(path, 'old\n');
      const digestOnly = await probed(path, false);
      assert.equal(digestOnly.sha256, sha('old\n'));
      assert.equal(digestOnly.content, undefined);
      assert.equal((await probed(path, true)).content?.toString(), 'old\n');
      await writeFile(path, 'hello\n');
      const same = await probed(path, true);
      assert.deepEqual([same.sha256, same.content], [sha('hello\n'), undefined]);
    });
  });
});
