import assert from 'node:assert/strict';
import { custom } from '../../lib/resources/actions.js';
import { confirmLoginPort, confirmSshdAccess, parseConfirmState } from './confirm-sshd-access.js';

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

describe('confirmSshdAccess', () => {
  const session = 'login.connection=172.17.0.1 50412 172.17.0.2 22\nlogin.user=deploy\n';

  it('reads the session port and the armed guard; check mode counts as armed', () => {
    assert.deepEqual(parseConfirmState(`${session}armed=1\n`, false), { sessionPort: 22, armed: true });
    assert.deepEqual(parseConfirmState(session, false), { sessionPort: 22, armed: false });
    assert.deepEqual(parseConfirmState('', true), { sessionPort: undefined, armed: true });
  });

  it('plans the fresh login on the first port when the session is on another one', () => {
    const resource = confirmSshdAccess({ guard, ports: [2222] });
    assert.deepEqual(resource.plan({ sessionPort: 22, armed: true }), {
      actions: [custom('confirm-login', { port: 2222 })],
      changes: ['log in afresh on port 2222, then cancel the rollback'],
    });
    assert.deepEqual(resource.plan({ sessionPort: 2222, armed: true }).actions, [custom('confirm-login')]);
    assert.deepEqual(resource.plan({ sessionPort: 22, armed: false }), { actions: [], changes: [] });
  });
});
