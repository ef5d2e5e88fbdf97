import assert from 'node:assert/strict';
import {
  parseSysctlProbe,
  planSysctl,
  sysctl,
  sysctlActions,
  sysctlFileContent,
  type SysctlDesired,
  type SysctlState,
} from './sysctl.js';

const file = '/etc/sysctl.d/90-test.conf';
const settings: [string, string][] = [
  ['net.ipv4.tcp_syncookies', '1'],
  ['kernel.kptr_restrict', '2'],
];
const want = (overrides: Partial<SysctlDesired> = {}): SysctlDesired => ({
  file,
  settings,
  apply: true,
  ...overrides,
});
const rw = (value: string) => ({ known: true, writable: true, value });
const ro = (value: string) => ({ known: true, writable: false, value });
const vm = (overrides: Partial<SysctlState> = {}): SysctlState => ({
  parentExists: true,
  keys: { 'net.ipv4.tcp_syncookies': rw('0'), 'kernel.kptr_restrict': rw('0') },
  container: false,
  ...overrides,
});
const persisted = sysctlFileContent(settings);

describe('parseSysctlProbe', () => {
  it('reads the drop-in and, per key, whether it exists, is writable, and its value', () => {
    const stdout = [
      'key\tnet.ipv4.tcp_syncookies\tw\t1',
      'key\tnet.ipv4.ip_local_port_range\tro\t32768 60999 ',
      'key\tkernel.yama.ptrace_scope\tmissing',
      'key\tnet.ipv4.route.flush\tro\tunreadable',
      `content=${Buffer.from('x = 1\n').toString('base64')}`,
    ].join('\n');
    assert.deepEqual(parseSysctlProbe(stdout, true), {
      content: 'x = 1\n',
      parentExists: true,
      container: true,
      keys: {
        'net.ipv4.tcp_syncookies': rw('1'),
        'net.ipv4.ip_local_port_range': ro('32768 60999'),
        'kernel.yama.ptrace_scope': { known: false, writable: false },
        'net.ipv4.route.flush': { known: true, writable: false },
      },
    });
  });
});

describe('planSysctl', () => {
  it('on a VM, writes the drop-in and sets every differing key live', () => {
    const plan = planSysctl(vm(), want());
    assert.deepEqual(plan.changes, [
      `create ${file}`,
      'set net.ipv4.tcp_syncookies 0 → 1',
      'set kernel.kptr_restrict 0 → 2',
    ]);
    assert.match(plan.diff ?? '', /\+net\.ipv4\.tcp_syncookies = 1\n\+kernel\.kptr_restrict = 2\n$/);
  });

  it('in a container, sets only network keys and says which were persisted but not applied, and why', () => {
    const actions = sysctlActions(vm({ container: true }), want());
    assert.deepEqual(actions.live, [['net.ipv4.tcp_syncookies', '1']]);
    assert.deepEqual(actions.lines, [
      `create ${file}`,
      'set net.ipv4.tcp_syncookies 0 → 1',
      "persisted for the next boot, not applied live: kernel.kptr_restrict = 2 (the machine's kernel, not this container's)",
    ]);
  });

  it('reports read-only, unknown and unreadable keys honestly instead of setting them', () => {
    const current = vm({
      keys: {
        'net.ipv4.tcp_syncookies': ro('0'),
        'kernel.kptr_restrict': { known: false, writable: false },
        'net.ipv4.route.flush': { known: true, writable: true },
      },
    });
    const actions = sysctlActions(current, want({ settings: [...settings, ['net.ipv4.route.flush', '1']] }));
    assert.deepEqual(actions.live, []);
    assert.deepEqual(actions.notLive, [
      'net.ipv4.tcp_syncookies = 1 (read-only /proc/sys here)',
      'kernel.kptr_restrict = 2 (unknown to the running kernel)',
      'net.ipv4.route.flush = 1 (cannot be read back)',
    ]);
  });

  it('plans nothing once the drop-in is right and the settable keys match, whatever the others say', () => {
    const current = vm({
      content: persisted,
      container: true,
      keys: { 'net.ipv4.tcp_syncookies': rw('1'), 'kernel.kptr_restrict': rw('0') },
    });
    assert.deepEqual(planSysctl(current, want()), { changes: [] });
  });

  it('repairs a live value that drifted while the drop-in stayed right', () => {
    const current = vm({
      content: persisted,
      keys: { 'net.ipv4.tcp_syncookies': rw('0'), 'kernel.kptr_restrict': rw('2') },
    });
    assert.deepEqual(planSysctl(current, want()), { changes: ['set net.ipv4.tcp_syncookies 0 → 1'] });
  });

  it('with apply false, only persists, naming the keys that differ live', () => {
    const plan = planSysctl(vm(), want({ apply: false }));
    assert.deepEqual(plan.changes, [
      `create ${file}`,
      'persisted for the next boot, not applied live: net.ipv4.tcp_syncookies = 1 (apply: false), kernel.kptr_restrict = 2 (apply: false)',
    ]);
  });

  it('rewrites a drop-in with other content, and waits when its directory is missing', () => {
    const plan = planSysctl(
      vm({
        content: '# old\n',
        keys: { 'net.ipv4.tcp_syncookies': rw('1'), 'kernel.kptr_restrict': rw('2') },
      }),
      want(),
    );
    assert.deepEqual(plan.changes, ['content']);
    assert.match(plan.diff ?? '', /^-# old$/m);
    assert.equal(
      planSysctl(vm({ parentExists: false }), want()).needsEarlierChanges,
      'directory /etc/sysctl.d does not exist yet',
    );
  });
});

describe('sysctl options', () => {
  it('normalizes values, keeps the order, and refuses names and values that are not parameters', () => {
    const resource = sysctl({
      settings: { 'net.ipv4.ip_local_port_range': '32768   60999', 'vm.swappiness': 10 },
    });
    assert.equal(resource.id, '/etc/sysctl.d/99-bosun.conf');
    assert.equal(
      sysctlFileContent([['net.ipv4.ip_local_port_range', '32768 60999']]).split('\n')[1],
      'net.ipv4.ip_local_port_range = 32768 60999',
    );
    assert.throws(() => sysctl({ settings: { 'net.ipv4.x; reboot': 1 } }), /is not a kernel parameter name/);
    assert.throws(() => sysctl({ settings: { '-net.x': 1 } }), /is not a kernel parameter name/);
    assert.throws(() => sysctl({ settings: { 'net.x': '1\nkernel.y = 2' } }), /one-line string/);
    assert.throws(() => sysctl({ settings: { 'net.x': '' } }), /one-line string/);
    assert.throws(() => sysctl({ settings: {} }), /at least one setting/);
  });
});
