import assert from 'node:assert/strict';
import { parseLoginSession } from './login-session.js';

describe('parseLoginSession', () => {
  it('reads the user and the host-side port of SSH_CONNECTION', () => {
    const values = new Map([
      ['login.connection', '172.17.0.1 50122 172.17.0.3 22'],
      ['login.user', 'deploy'],
    ]);
    assert.deepEqual(parseLoginSession(values), { user: 'deploy', port: 22 });
  });

  it('is undefined without an SSH session', () => {
    assert.equal(parseLoginSession(new Map()), undefined);
  });
});
