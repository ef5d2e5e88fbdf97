import assert from 'node:assert/strict';
import { moduli, planModuli } from './moduli.js';

const desired = { path: '/etc/ssh/moduli', minBits: 3072 };

describe('planModuli', () => {
  it('removes the small groups and says how many of all', () => {
    assert.deepEqual(planModuli({ exists: true, total: 410, small: 270 }, desired), {
      changes: ['remove 270 of 410 moduli smaller than 3072 bits from /etc/ssh/moduli'],
    });
  });

  it('changes nothing when every group is large enough, or without the file', () => {
    assert.deepEqual(planModuli({ exists: true, total: 140, small: 0 }, desired), { changes: [] });
    assert.deepEqual(planModuli({ exists: false, total: 0, small: 0 }, desired), { changes: [] });
  });

  it('refuses to empty the file', () => {
    assert.throws(
      () => planModuli({ exists: true, total: 12, small: 12 }, desired),
      /all 12 moduli are smaller than 3072 bits.*ssh-keygen -M generate -O bits=3072/,
    );
  });

  it('needs an absolute path', () => {
    assert.throws(() => moduli({ path: 'moduli' }), /absolute path/);
  });
});
