import assert from 'node:assert/strict';
import { socketListenDropIn } from './socket-listen.js';
import { custom } from '../../lib/resources/actions.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { restartSshd, sshdRestartCommand } from './sshd-restart.js';

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

describe('restartSshd', () => {
  const guard = {
    id: 'harden-ssh',
    paths: ['/etc/ssh/x.conf'],
    restore: 'systemctl reload ssh',
    timeoutSeconds: 300,
  };
  const debian = { service: 'ssh', socketActivated: false, version: '9.2' };
  const command = 'systemctl daemon-reload && systemctl reload-or-restart ssh.service';

  /** A transport whose commands exit with the given codes, in turn. */
  const context = (...codes: number[]) => {
    const commands: string[] = [];
    const ctx = {
      transport: {
        hostName: 'web1',
        exec: async (text: string) => {
          commands.push(text);
          return { code: codes.shift() ?? 0, stdout: '', stderr: 'Job for ssh.service failed.' };
        },
      },
    } as unknown as ResourceContext;
    return { ctx, commands };
  };

  it('plans one restart-sshd action with the command it runs', () => {
    assert.deepEqual(restartSshd(guard, debian).plan({}), {
      actions: [custom('restart-sshd', { command })],
      changes: ['reload ssh.service'],
    });
    assert.deepEqual(restartSshd(guard, { ...debian, socketActivated: true }).plan({}).changes, [
      'restart ssh.socket (socket activation: systemd listens for sshd)',
    ]);
  });

  it('runs the command once when it works', async () => {
    const { ctx, commands } = context(0);
    await restartSshd(guard, debian).execute!(ctx, custom('restart-sshd', { command }));
    assert.deepEqual(commands, [command]);
  });

  it('rolls back at once when the restart fails, and says what it restored', async () => {
    const { ctx, commands } = context(1, 0);
    await assert.rejects(
      restartSshd(guard, debian).execute!(ctx, custom('restart-sshd', { command })),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SSHD_RESTART_FAILED');
        assert.match(
          error.message,
          /^web1: restarting sshd with the new configuration failed \(`.*`, exit 1\):\nJob for ssh\.service failed\./,
        );
        assert.match(
          error.message,
          /Bosun restored the previous sshd configuration \(\/etc\/ssh\/x\.conf\) and ran: systemctl reload ssh\./,
        );
        return true;
      },
    );
    assert.match(commands[1], /sh \/var\/lib\/bosun\/rollback\/harden-ssh\/restore\.sh/);
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
