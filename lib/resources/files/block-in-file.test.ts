import assert from 'node:assert/strict';
import { custom, upload, type CustomAction } from '../actions.js';
import type { Probe } from '../resource.js';
import {
  blockInFile,
  planBlockInFile,
  withBlock,
  type BlockInFileDesired,
  type BlockInFileState,
} from './block-in-file.js';
import { assertFails, output, probeContext } from './fixtures/probes.js';

const desired = (overrides: Partial<BlockInFileDesired> = {}): BlockInFileDesired => ({
  path: '/etc/ufw/after.rules',
  block: '*filter\n-A X -j RETURN\nCOMMIT\n',
  markerBegin: '# BEGIN UFW AND DOCKER',
  markerEnd: '# END UFW AND DOCKER',
  state: 'present',
  ...overrides,
});
const block = '# BEGIN UFW AND DOCKER\n*filter\n-A X -j RETURN\nCOMMIT\n# END UFW AND DOCKER\n';

describe('blockInFile', () => {
  it('appends the block to a file without it, and keeps the rest', () => {
    assert.equal(withBlock('# package rules\nCOMMIT\n', desired()), `# package rules\nCOMMIT\n${block}`);
    assert.equal(withBlock('no final newline', desired()), `no final newline\n${block}`);
    const plan = planBlockInFile({ content: 'COMMIT\n' }, desired());
    assert.deepEqual(plan.changes, ['add the block to /etc/ufw/after.rules']);
    assert.deepEqual(plan.actions, [upload('/etc/ufw/after.rules', `COMMIT\n${block}`)]);
    assert.match(plan.diff!, /\+# BEGIN UFW AND DOCKER/);
  });

  it('replaces the block where its markers are (another tool’s block included)', () => {
    const old = 'head\n# BEGIN UFW AND DOCKER\n*filter\n-A OLD\nCOMMIT\n# END UFW AND DOCKER\ntail\n';
    assert.equal(withBlock(old, desired()), `head\n${block}tail\n`);
    const plan = planBlockInFile({ content: old }, desired({ validate: 'ufw-check %s' }));
    assert.deepEqual(plan.changes, ['update the block in /etc/ufw/after.rules']);
    assert.deepEqual(plan.actions, [
      upload('/etc/ufw/after.rules', `head\n${block}tail\n`, { validate: 'ufw-check %s' }),
    ]);
  });

  it('changes nothing when the block is there as wanted', () => {
    assert.deepEqual(planBlockInFile({ content: `COMMIT\n${block}` }, desired()), {
      actions: [],
      changes: [],
    });
  });

  it('removes the block and its markers with state absent', () => {
    assert.equal(withBlock(`COMMIT\n${block}`, desired({ state: 'absent' })), 'COMMIT\n');
    assert.deepEqual(planBlockInFile({ content: `COMMIT\n${block}` }, desired({ state: 'absent' })).actions, [
      upload('/etc/ufw/after.rules', 'COMMIT\n'),
    ]);
    assert.deepEqual(planBlockInFile({ content: 'COMMIT\n' }, desired({ state: 'absent' })), {
      actions: [],
      changes: [],
    });
    assert.deepEqual(planBlockInFile({}, desired({ state: 'absent' })), { actions: [], changes: [] });
  });

  it('waits for the package that provides the file', () => {
    assert.deepEqual(planBlockInFile({}, desired()), {
      actions: [custom('fail-missing-file', { path: '/etc/ufw/after.rules' })],
      changes: ['add the block to /etc/ufw/after.rules'],
      needsEarlierChanges: '/etc/ufw/after.rules does not exist yet',
    });
  });
});

describe('blockInFile probe and execute', () => {
  const resource = blockInFile({ path: '/etc/ufw/after.rules', block: 'x' });
  const probe = resource.probe(probeContext()) as Probe<BlockInFileState>;

  it('reads the whole file, which the new content is made from', () => {
    assert.deepEqual(probe.parse(output('content=Q09NTUlUCg==\n')), { content: 'COMMIT\n' });
    assert.deepEqual(probe.parse(output('')), {});
  });

  it('fails on a file it may not read', () => {
    assertFails(
      () => probe.parse(output('unreadable=1\n')),
      'FILE_UNREADABLE',
      'web-1: cannot read /etc/ufw/after.rules; run the task with become.',
    );
  });

  it('fails the real run when the file is still missing once the earlier changes are made', async () => {
    const [action] = planBlockInFile({}, desired()).actions!;
    await assert.rejects(
      resource.execute!(probeContext(), action as CustomAction),
      (error: Error & { code?: string }) =>
        error.code === 'FILE_MISSING' &&
        error.message ===
          'web-1: /etc/ufw/after.rules does not exist; install the package that provides it first.',
    );
  });
});
