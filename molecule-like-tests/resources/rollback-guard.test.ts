import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { confirmAccess } from '../../lib/resources/commands/confirm-access.js';
import { directory } from '../../lib/resources/files/directory.js';
import { file } from '../../lib/resources/files/file.js';
import { guarded, type RollbackGuard } from '../../lib/resources/commands/rollback-guard.js';
import { ResourceHost } from './resource-host.js';

const guard = (timeoutSeconds: number): RollbackGuard => ({
  id: 'test-guard',
  paths: ['/etc/guarded.conf', '/etc/guarded.d'],
  restore: 'echo restored >> /tmp/restore-ran',
  timeoutSeconds,
});

/** Commit-confirm on a real host: the snapshot, the host's own timer, and the confirm handler. */
describe('rollback guard and access confirmation', function () {
  this.timeout(120_000);
  let rh: ResourceHost;

  before(async () => {
    rh = await ResourceHost.start('res-guard');
  });
  after(async () => {
    await rh?.stop();
  });
  beforeEach(async () => {
    await rh.verify('printf old > /etc/guarded.conf && rm -rf /etc/guarded.d /tmp/restore-ran');
  });

  const change = async (g: RollbackGuard) => {
    await rh.converge(guarded(file({ path: '/etc/guarded.conf', content: 'new' }), g));
    await rh.converge(guarded(directory({ path: '/etc/guarded.d' }), g));
    await rh.converge(guarded(file({ path: '/etc/guarded.d/extra.conf', content: 'x' }), g));
  };

  it('rolls back at once when the fresh login fails, and says what it restored', async () => {
    await change(guard(120));
    assert.match(
      await rh.verify('systemctl list-timers --all --no-legend'),
      /bosun-rollback-test-guard\.timer/,
    );
    const confirm = confirmAccess({ guard: guard(120), port: 1, what: 'test settings' });
    const ctx = rh.context(false);
    const state = await probeOne(confirm, ctx);
    assert.equal(state.armed, true);
    await assert.rejects(
      executePlan(confirm, confirm.plan(state), ctx),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'ACCESS_CHECK_FAILED');
        assert.match(error.message, /fresh SSH login on port 1 failed/);
        assert.match(
          error.message,
          /restored the previous test settings \(\/etc\/guarded\.conf, \/etc\/guarded\.d\)/,
        );
        return true;
      },
    );
    assert.equal(await rh.verify('cat /etc/guarded.conf'), 'old');
    assert.notEqual(
      (await rh.host.exec('test -e /etc/guarded.d')).code,
      0,
      'a folder the change created is removed',
    );
    assert.equal(await rh.verify('cat /tmp/restore-ran'), 'restored\n');
    assert.doesNotMatch(await rh.verify('systemctl list-timers --all --no-legend'), /bosun-rollback/);
  });

  it('keeps the change and cancels the rollback when the fresh login succeeds', async () => {
    await change(guard(120));
    const confirm = confirmAccess({ guard: guard(120), what: 'test settings' });
    const ctx = rh.context(false);
    const state = await probeOne(confirm, ctx);
    assert.deepEqual(confirm.plan(state).changes, ['log in afresh, then cancel the rollback']);
    await executePlan(confirm, confirm.plan(state), ctx);
    assert.equal(await rh.verify('cat /etc/guarded.conf'), 'new');
    assert.doesNotMatch(await rh.verify('systemctl list-timers --all --no-legend'), /bosun-rollback/);
    assert.notEqual((await rh.host.exec('test -e /var/lib/bosun/rollback/test-guard')).code, 0);
    assert.deepEqual(confirm.plan(await probeOne(confirm, ctx)).changes, [], 'nothing left to confirm');
  });

  it('rolls back by itself when no confirmation comes before the timer', async () => {
    await change(guard(3));
    assert.equal(await rh.verify('cat /etc/guarded.conf'), 'new');
    let restored = '';
    for (let i = 0; i < 40 && restored !== 'old'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      restored = (await rh.host.exec('cat /etc/guarded.conf')).output;
    }
    assert.equal(restored, 'old');
    assert.notEqual((await rh.host.exec('test -e /etc/guarded.d')).code, 0);
    assert.notEqual((await rh.host.exec('test -e /var/lib/bosun/rollback/test-guard')).code, 0);
  });
});
