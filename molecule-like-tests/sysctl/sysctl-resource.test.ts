import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sysctl } from '../../lib/resources/kernel/sysctl.js';
import { ResourceHost } from '../resources/resource-host.js';

const file = '/etc/sysctl.d/90-bosun-test.conf';
// The machine's own kernel (the container shares it): the resource must never write it from a container.
const machineKptr = () => readFileSync('/proc/sys/kernel/kptr_restrict', 'utf8').trim();

describe('sysctl resource on a throwaway host with writable network sysctls', function () {
  this.timeout(300_000);
  let rh: ResourceHost;
  let kptrBefore: string;
  let kptrWanted: string;

  before(async () => {
    rh = await ResourceHost.start('res-sysctl', { writableNetworkSysctls: true });
    kptrBefore = machineKptr();
    kptrWanted = kptrBefore === '2' ? '1' : '2';
    await rh.verify('sysctl -q -w net.ipv4.tcp_syncookies=0 net.ipv4.conf.all.log_martians=0');
  });
  after(async () => {
    await rh?.stop();
  });

  const settings = () => ({
    'net.ipv4.tcp_syncookies': 1,
    'net.ipv4.conf.all.log_martians': 1,
    'net.ipv4.ip_local_port_range': '32800 60999',
    'kernel.kptr_restrict': kptrWanted,
  });

  it('plans the drop-in, the live network keys and the keys it cannot apply, writing nothing', async () => {
    const plan = await rh.check(sysctl({ settings: settings(), file }));
    assert.deepEqual(plan.changes, [
      `create ${file}`,
      'set net.ipv4.tcp_syncookies 0 → 1',
      'set net.ipv4.conf.all.log_martians 0 → 1',
      'set net.ipv4.ip_local_port_range 32768 60999 → 32800 60999',
      `persisted for the next boot, not applied live: kernel.kptr_restrict = ${kptrWanted} (the machine's kernel, not this container's)`,
    ]);
    assert.equal((await rh.host.exec(`test -e ${file}`)).code, 1, 'check mode wrote the drop-in');
    assert.equal(await rh.verify('sysctl -n net.ipv4.tcp_syncookies'), '0\n', 'check mode set a key');
  });

  it('converges: network keys set and read back, the drop-in written, the machine kernel untouched', async () => {
    const { first, second } = await rh.converge(sysctl({ settings: settings(), file }));
    assert.equal(first.changes.length, 5);
    assert.deepEqual(second, { changes: [] });
    assert.equal(
      await rh.verify(
        'sysctl -n net.ipv4.tcp_syncookies net.ipv4.conf.all.log_martians net.ipv4.ip_local_port_range',
      ),
      '1\n1\n32800\t60999\n',
    );
    assert.equal(
      await rh.verify(`tail -n +2 ${file}; stat -c '%a %U' ${file}`),
      [
        'net.ipv4.tcp_syncookies = 1',
        'net.ipv4.conf.all.log_martians = 1',
        'net.ipv4.ip_local_port_range = 32800 60999',
        `kernel.kptr_restrict = ${kptrWanted}`,
        '644 root',
        '',
      ].join('\n'),
    );
    assert.equal(
      machineKptr(),
      kptrBefore,
      "the machine's kernel.kptr_restrict was written from a container",
    );
  });

  it('repairs a live value that drifted, leaving the drop-in alone', async () => {
    await rh.verify('sysctl -q -w net.ipv4.tcp_syncookies=0');
    const { first, second } = await rh.converge(sysctl({ settings: settings(), file }));
    assert.deepEqual(first, { changes: ['set net.ipv4.tcp_syncookies 0 → 1'] });
    assert.deepEqual(second, { changes: [] });
  });

  it('a value the kernel refuses fails the task and leaves the drop-in as it was', async () => {
    const before = await rh.verify(`cat ${file}`);
    await assert.rejects(
      rh.converge(sysctl({ settings: { ...settings(), 'net.ipv4.tcp_syncookies': 'abc' }, file })),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SYSCTL_FAILED');
        assert.match(error.message, /net\.ipv4\.tcp_syncookies/);
        return true;
      },
    );
    assert.equal(await rh.verify(`cat ${file}`), before);
  });

  it('with apply false, only the drop-in changes', async () => {
    const { first, second } = await rh.converge(
      sysctl({ settings: { ...settings(), 'net.ipv4.conf.all.log_martians': 0 }, file, apply: false }),
    );
    assert.deepEqual(first.changes, [
      'content',
      'persisted for the next boot, not applied live: net.ipv4.conf.all.log_martians = 0 (apply: false), ' +
        `kernel.kptr_restrict = ${kptrWanted} (apply: false)`,
    ]);
    assert.deepEqual(second, { changes: [] });
    assert.equal(await rh.verify('sysctl -n net.ipv4.conf.all.log_martians'), '1\n');
  });
});
