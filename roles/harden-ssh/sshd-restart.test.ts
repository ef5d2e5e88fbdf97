import assert from 'node:assert/strict';
import { socketListenDropIn } from './socket-listen.js';
import { sshdRestartCommand } from './sshd-restart.js';

describe('sshdRestartCommand', () => {
  it('reloads the service when sshd listens itself', () => {
    assert.equal(
      sshdRestartCommand({ service: 'ssh', socketActivated: false, version: '9.2' }),
      'systemctl daemon-reload && systemctl reload-or-restart ssh.service',
    );
  });

  it('with socket activation, stops the listener holding the old socket, then restarts the socket', () => {
    assert.equal(
      sshdRestartCommand({ service: 'ssh', socketActivated: true, version: '9.6' }),
      'systemctl daemon-reload && systemctl stop ssh.service && systemctl restart ssh.socket',
    );
  });
});

describe('socketListenDropIn', () => {
  it("resets the unit's ListenStream and listens on each port, IPv4 and IPv6", () => {
    assert.equal(
      socketListenDropIn([2222, 22]),
      [
        '# Managed by Bosun (role harden-ssh): the ports sshd listens on with socket activation.',
        '[Socket]',
        'ListenStream=',
        'BindIPv6Only=both',
        'ListenStream=2222',
        'ListenStream=22',
        '',
      ].join('\n'),
    );
  });
});
