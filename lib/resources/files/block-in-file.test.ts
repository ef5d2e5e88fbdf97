import assert from 'node:assert/strict';
import { planBlockInFile, withBlock, type BlockInFileDesired } from './block-in-file.js';

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
    assert.match(plan.diff!, /\+# BEGIN UFW AND DOCKER/);
  });

  it('replaces the block where its markers are (another tool’s block included)', () => {
    const old = 'head\n# BEGIN UFW AND DOCKER\n*filter\n-A OLD\nCOMMIT\n# END UFW AND DOCKER\ntail\n';
    assert.equal(withBlock(old, desired()), `head\n${block}tail\n`);
    assert.deepEqual(planBlockInFile({ content: old }, desired()).changes, [
      'update the block in /etc/ufw/after.rules',
    ]);
  });

  it('changes nothing when the block is there as wanted', () => {
    assert.deepEqual(planBlockInFile({ content: `COMMIT\n${block}` }, desired()), { changes: [] });
  });

  it('removes the block and its markers with state absent', () => {
    assert.equal(withBlock(`COMMIT\n${block}`, desired({ state: 'absent' })), 'COMMIT\n');
    assert.deepEqual(planBlockInFile({ content: 'COMMIT\n' }, desired({ state: 'absent' })), { changes: [] });
  });

  it('waits for the package that provides the file', () => {
    assert.deepEqual(planBlockInFile({}, desired()), {
      changes: ['add the block to /etc/ufw/after.rules'],
      needsEarlierChanges: '/etc/ufw/after.rules does not exist yet',
    });
  });
});
