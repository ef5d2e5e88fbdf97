import { executePlan } from '../../lib/resources/execute-plan.js';
import { probeOne } from '../../lib/engine/run-resource.js';
import assert from 'node:assert/strict';
import { apt } from '../../lib/resources/packages/apt.js';
import { service } from '../../lib/resources/services/service.js';
import { reported, ResourceHost } from './resource-host.js';

const stamp = '/var/lib/apt/periodic/update-success-stamp';

describe('apt resource (and a packaged service) on a throwaway host', function () {
  // The Debian archive is the slow part; downloaded .debs are shared between hosts by the harness.
  this.timeout(600_000);
  let rh: ResourceHost;

  before(async () => {
    rh = await ResourceHost.start('res-apt');
  });
  after(async () => {
    await rh?.stop();
  });

  const stampTime = async () => (await rh.verify(`stat -c %Y ${stamp}`)).trim();

  it('predicts the install in check mode on a fresh host whose apt lists are empty, without refreshing them', async () => {
    assert.equal(await rh.verify('ls /var/lib/apt/lists | grep -c _Packages || true'), '0\n');
    assert.deepEqual(await rh.check(apt({ packages: ['tree'] })), {
      changes: ['install tree (unverified: the apt lists are empty)'],
    });
    assert.equal(await rh.verify('ls /var/lib/apt/lists | grep -c _Packages || true'), '0\n');
    assert.equal((await rh.host.exec(`test -e ${stamp}`)).code, 1);
  });

  it('installs a package, refreshing the empty lists first; the second run changes nothing', async () => {
    const { first, second } = await rh.converge(apt({ packages: ['tree'] }));
    assert.deepEqual(first, { changes: ['install tree (unverified: the apt lists are empty)'] });
    assert.deepEqual(second, { changes: [] });
    assert.match(await rh.verify('dpkg -s tree'), /^Status: install ok installed$/m);
    assert.match(await rh.verify('tree -L 1 /var/lib/apt'), /lists/);
  });

  it('does not refresh fresh lists for the next install', async () => {
    const before = await stampTime();
    const { first, second } = await rh.converge(apt({ name: 'hello' }));
    assert.deepEqual(first, { changes: ['install hello'] });
    assert.deepEqual(second, { changes: [] });
    assert.equal(await stampTime(), before, 'apt-get update ran although the lists were fresh');
    assert.match(await rh.verify('hello'), /Hello, world!/);
  });

  it('state latest right after an install is a no-op', async () => {
    const { first } = await rh.converge(apt({ packages: ['tree', 'hello'], state: 'latest' }));
    assert.deepEqual(first, { changes: [] });
  });

  it('removes a package with state absent', async () => {
    const { first, second } = await rh.converge(apt({ packages: ['hello', 'tree'], state: 'absent' }));
    assert.deepEqual(first, { changes: ['remove hello', 'remove tree'] });
    assert.deepEqual(second, { changes: [] });
    assert.equal((await rh.host.exec('dpkg -s hello')).code, 1);
  });

  it('refreshes stale lists only when something has to be installed', async () => {
    await rh.verify(`touch -d '3 hours ago' ${stamp} /var/lib/apt/lists`);
    const staleStamp = await stampTime();
    const nothingToDo = await rh.converge(apt({ packages: ['bash'] }));
    assert.deepEqual(nothingToDo.first, { changes: [] });
    assert.equal(await stampTime(), staleStamp, 'refreshed although nothing was installed');

    const install = await rh.converge(apt({ packages: ['hello'] }));
    assert.deepEqual(install.first, { changes: ['install hello'] });
    assert.notEqual(await stampTime(), staleStamp, 'stale lists were not refreshed before installing');
  });

  it('rejects a package that does not exist, with apt’s message', async () => {
    const resource = apt({ packages: ['bosun-no-such-package'] });
    const ctx = rh.context(false);
    const current = await probeOne(resource, ctx);
    const plan = resource.plan(current);
    assert.deepEqual(reported(plan), {
      changes: ['install bosun-no-such-package'],
      needsEarlierChanges:
        'package bosun-no-such-package is not in the apt lists yet (an earlier task adds its repository?)',
    });
    await assert.rejects(executePlan(resource, plan, ctx), /Unable to locate package bosun-no-such-package/);
  });

  describe('service of an installed package (cron)', () => {
    it('is not installed yet: the plan waits for an earlier change', async () => {
      const plan = await rh.check(service({ name: 'cron', state: 'started', enabled: true }));
      assert.deepEqual(plan, {
        changes: ['enable cron.service', 'start cron.service'],
        needsEarlierChanges: 'unit cron.service is not installed yet',
      });
    });

    it('stops and disables it, then starts and enables it again, each once', async () => {
      await rh.converge(apt({ packages: ['cron'] }));
      assert.equal(
        await rh.verify('systemctl is-active cron; systemctl is-enabled cron'),
        'active\nenabled\n',
      );

      const stop = await rh.converge(service({ name: 'cron', state: 'stopped', enabled: false }));
      assert.deepEqual(stop.first, { changes: ['disable cron.service', 'stop cron.service'] });
      assert.deepEqual(stop.second, { changes: [] });
      assert.equal(
        (await rh.host.exec('systemctl is-active cron; systemctl is-enabled cron')).output,
        'inactive\ndisabled\n',
      );

      const start = await rh.converge(service({ name: 'cron', state: 'started', enabled: true }));
      assert.deepEqual(start.first, { changes: ['enable cron.service', 'start cron.service'] });
      assert.deepEqual(start.second, { changes: [] });
      assert.equal(
        await rh.verify('systemctl is-active cron; systemctl is-enabled cron'),
        'active\nenabled\n',
      );
    });
  });
});
