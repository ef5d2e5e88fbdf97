import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { directory } from '../../lib/resources/files/directory.js';
import { file } from '../../lib/resources/files/file.js';
import { service } from '../../lib/resources/services/service.js';
import { ResourceHost } from './resource-host.js';

const unitFile = (sleep: number) =>
  `[Unit]\nDescription=Bosun demo\n\n[Service]\nExecStart=/bin/sleep ${sleep}\n\n[Install]\nWantedBy=multi-user.target\n`;

describe('service resource on a throwaway host', function () {
  this.timeout(300_000);
  let rh: ResourceHost;

  before(async () => {
    rh = await ResourceHost.start('res-service');
  });
  after(async () => {
    await rh?.stop();
  });

  const demo = (options: Omit<Parameters<typeof service>[0], 'name'>) =>
    service({ name: 'bosun-demo', ...options });
  const writeUnit = (sleep: number) =>
    rh.converge(file({ path: '/etc/systemd/system/bosun-demo.service', content: unitFile(sleep) }));
  const mainPid = async () => (await rh.verify('systemctl show -p MainPID --value bosun-demo')).trim();

  it('plans a unit that is not installed yet, waiting for the earlier change that installs it', async () => {
    assert.deepEqual(await rh.check(demo({ state: 'started', enabled: true, daemonReload: true })), {
      changes: ['daemon-reload', 'enable bosun-demo.service', 'start bosun-demo.service'],
      needsEarlierChanges: 'unit bosun-demo.service is not installed yet',
    });
  });

  it('starts and enables a unit written by the file resource, once', async () => {
    await writeUnit(1000);
    const { first, second } = await rh.converge(
      demo({ state: 'started', enabled: true, daemonReload: true }),
    );
    assert.deepEqual(first, { changes: ['enable bosun-demo.service', 'start bosun-demo.service'] });
    assert.deepEqual(second, { changes: [] });
    assert.equal(
      await rh.verify('systemctl is-active bosun-demo; systemctl is-enabled bosun-demo'),
      'active\nenabled\n',
    );
  });

  it('reloads systemd when the unit file of a running unit changed, and always restarts when asked', async () => {
    const before = await mainPid();
    await writeUnit(2000);
    const { first, second } = await rh.converge(demo({ state: 'restarted', daemonReload: true }));
    assert.deepEqual(first, { changes: ['daemon-reload', 'restart bosun-demo.service'] });
    assert.deepEqual(second, { changes: ['restart bosun-demo.service'] }, 'restarted always acts (handlers)');
    assert.notEqual(await mainPid(), before);
    assert.match(await rh.verify('systemctl show -p ExecStart --value bosun-demo'), /sleep 2000/);
    assert.equal(await rh.verify('systemctl show -p NeedDaemonReload --value bosun-demo'), 'no\n');
  });

  it('reloads systemd for a drop-in folder created after the unit was loaded, which systemd itself misses', async () => {
    await rh.converge(directory({ path: '/etc/systemd/system/bosun-demo.service.d' }));
    await rh.converge(
      file({
        path: '/etc/systemd/system/bosun-demo.service.d/override.conf',
        content: '[Service]\nExecStart=\nExecStart=/bin/sleep 3000\n',
      }),
    );
    assert.equal(await rh.verify('systemctl show -p NeedDaemonReload --value bosun-demo'), 'no\n');
    const { first, second } = await rh.converge(demo({ state: 'started', daemonReload: true }));
    assert.deepEqual(first, { changes: ['daemon-reload'] });
    assert.deepEqual(second, { changes: [] });
    assert.match(await rh.verify('systemctl show -p ExecStart --value bosun-demo'), /sleep 3000/);
  });

  it('reloading a unit that cannot reload restarts it', async () => {
    const before = await mainPid();
    const plan = await rh.check(demo({ state: 'reloaded' }));
    assert.deepEqual(plan, { changes: ['restart bosun-demo.service (it cannot reload)'] });
    await rh.converge(demo({ state: 'reloaded' }));
    assert.notEqual(await mainPid(), before);
  });

  it('stops and disables it, once', async () => {
    const { first, second } = await rh.converge(demo({ state: 'stopped', enabled: false }));
    assert.deepEqual(first, { changes: ['disable bosun-demo.service', 'stop bosun-demo.service'] });
    assert.deepEqual(second, { changes: [] });
    const states = await rh.host.exec('systemctl is-active bosun-demo; systemctl is-enabled bosun-demo');
    assert.equal(states.output, 'inactive\ndisabled\n');
  });

  it("fails to start a broken unit with systemctl's status and the unit's last journal lines", async () => {
    await rh.converge(
      file({
        path: '/etc/systemd/system/bosun-broken.service',
        content: `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo "bosun-broken: bad setting on line 3" >&2; exit 1'\n`,
      }),
    );
    const resource = service({ name: 'bosun-broken', state: 'started' });
    const ctx = rh.context(false);
    const current = await probeOne(resource, ctx);
    await assert.rejects(
      executePlan(resource, resource.plan(current), ctx),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SERVICE_FAILED');
        assert.match(error.message, /Job for bosun-broken\.service failed/);
        assert.match(error.message, /bosun-broken: bad setting on line 3/);
        return true;
      },
    );
  });

  it('fails in a real run when the unit is still not installed', async () => {
    const resource = service({ name: 'bosun-nope', state: 'started' });
    const ctx = rh.context(false);
    const current = await probeOne(resource, ctx);
    const plan = resource.plan(current);
    assert.equal(plan.needsEarlierChanges, 'unit bosun-nope.service is not installed yet');
    await assert.rejects(executePlan(resource, plan, ctx), /bosun-nope\.service not found/);
  });
});
