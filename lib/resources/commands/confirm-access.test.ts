import assert from 'node:assert/strict';
import { custom } from '../actions.js';
import type { Probe, ResourceContext } from '../resource.js';
import { confirmAccess, planConfirm } from './confirm-access.js';

const guard = { id: 'test-guard', paths: ['/etc/a.conf'], restore: 'true', timeoutSeconds: 120 };

/** A context whose fresh login succeeds or fails, recording the commands run over the old connection. */
function context(login: 'works' | 'fails', check = false) {
  const commands: string[] = [];
  const ctx = {
    check,
    transport: {
      hostName: 'web1',
      exec: async (command: string) => {
        commands.push(command);
        return { code: 0, stdout: '', stderr: '' };
      },
    },
    reconnect: async () => {
      if (login === 'fails') throw new Error('connect ECONNREFUSED');
    },
  } as unknown as ResourceContext;
  return { ctx, commands };
}

describe('confirmAccess', () => {
  it('plans the fresh login when the guard is armed, on the new port when there is one', () => {
    assert.deepEqual(planConfirm(true, undefined), {
      actions: [custom('confirm-login')],
      changes: ['log in afresh, then cancel the rollback'],
    });
    assert.deepEqual(planConfirm(true, 2222), {
      actions: [custom('confirm-login', { port: 2222 })],
      changes: ['log in afresh on port 2222, then cancel the rollback'],
    });
    assert.deepEqual(planConfirm(false, 2222), { actions: [], changes: [] });
  });

  it('reads the guard as armed when its folder exists, and always in check mode', () => {
    const probe = (check: boolean) =>
      confirmAccess({ guard, what: 'x' }).probe(context('works', check).ctx) as Probe<{ armed: boolean }>;
    assert.equal(probe(false).script, 'test -d /var/lib/bosun/rollback/test-guard');
    assert.deepEqual(probe(false).parse({ code: 0, stdout: '', stderr: '' }), { armed: true });
    assert.deepEqual(probe(false).parse({ code: 1, stdout: '', stderr: '' }), { armed: false });
    assert.deepEqual(probe(true).parse({ code: 1, stdout: '', stderr: '' }), { armed: true });
  });

  it('cancels the rollback after a fresh login', async () => {
    const { ctx, commands } = context('works');
    await confirmAccess({ guard, what: 'x' }).execute!(ctx, custom('confirm-login'));
    assert.deepEqual(commands, [
      'systemctl stop bosun-rollback-test-guard.timer 2>/dev/null; rm -rf /var/lib/bosun/rollback/test-guard',
    ]);
  });

  it('rolls back at once when the fresh login fails, and says what it restored', async () => {
    const { ctx, commands } = context('fails');
    await assert.rejects(
      confirmAccess({ guard, what: 'test settings' }).execute!(ctx, custom('confirm-login', { port: 2222 })),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ACCESS_CHECK_FAILED');
        assert.match(
          error.message,
          /^web1: after changing the test settings, a fresh SSH login on port 2222 failed/,
        );
        assert.match(
          error.message,
          /Bosun restored the previous test settings \(\/etc\/a\.conf\) and ran: true\./,
        );
        return true;
      },
    );
    assert.deepEqual(commands, [
      'systemctl stop bosun-rollback-test-guard.timer 2>/dev/null; sh /var/lib/bosun/rollback/test-guard/restore.sh',
    ]);
  });
});
