import assert from 'node:assert/strict';
import { confirmLoginPort } from './confirm-sshd-access.js';

const guard = { id: 'harden-ssh', paths: [], restore: 'true', timeoutSeconds: 300 };

describe('confirmLoginPort', () => {
  it("keeps the connection's own settings when the session came in on the first port (also behind NAT)", () => {
    assert.equal(confirmLoginPort({ guard, ports: [22] }, 22), undefined);
    assert.equal(confirmLoginPort({ guard, ports: [22, 2222] }, 22), undefined);
  });

  it('moves to the first port when the session is on another one', () => {
    assert.equal(confirmLoginPort({ guard, ports: [2222] }, 22), 2222);
    assert.equal(confirmLoginPort({ guard, ports: [2222, 22] }, 22), 2222);
  });

  it('uses confirmPort, the port the control machine reaches the first one on, when given', () => {
    assert.equal(confirmLoginPort({ guard, ports: [2222], confirmPort: 40022 }, 22), 40022);
  });
});
