import assert from 'node:assert/strict';
import { parsePendingHandlers } from './pending-handlers.js';

describe('parsePendingHandlers', () => {
  it('lists the handlers an earlier run owes, from their markers, and skips foreign files', () => {
    const stdout = 'WyJ1ZnciLCJyZWxvYWQiXQ\nWyJzc2giLCJyZXN0YXJ0Il0\nnot-a-marker\n';
    assert.deepEqual(parsePendingHandlers({ code: 0, stdout, stderr: '' }), [
      { role: 'ufw', handler: 'reload' },
      { role: 'ssh', handler: 'restart' },
    ]);
  });
});
