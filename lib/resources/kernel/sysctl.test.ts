import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  parseSysctlProbe,
  planSysctl,
  sysctl,
  decideSysctl,
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
/** An existing drop-in as the probe reads it: its digest, and its text (read with --diff). */
const dropIn = (content: string, withContent = true) => ({
  sha256: createHash('sha256').update(content).digest('hex'),
  ...(withContent ? { content } : {}),
});
const upload = (content: string) => ({ kind: 'upload', path: file, content, options: { mode: '0644' } });

describe('parseSysctlProbe', () => {
  it('reads the drop-in and, per key, whether it exists, is writable, and its value', () => {
    const stdout = [
      'key\tnet.ipv4.tcp_syncookies\tw\t1',
      'key\tnet.ipv4.ip_local_port_range\tro\t32768 60999 ',
      'key\tkernel.yama.ptrace_scope\tmissing',
      'key\tnet.ipv4.route.flush\tro\tunreadable',
      'sha256=9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4',
      `content=${Buffer.from('x = 1\n').toString('base64')}`,
    ].join('\n');
    assert.deepEqual(parseSysctlProbe(stdout, true), {
      sha256: '9e26bf369911c45c243c684147b23fc9e1dcfcf257d299a1c632016a6fcd33f4',
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

  it('reads a missing drop-in in a missing folder, and a digest without the text (no --diff)', () => {
    assert.deepEqual(parseSysctlProbe('parent_missing=1\nkey\tvm.swappiness\tw\t60\n', false), {
      parentExists: false,
      container: false,
      keys: { 'vm.swappiness': rw('60') },
    });
    assert.deepEqual(parseSysctlProbe(`sha256=${'a'.repeat(64)}\n`, false), {
      sha256: 'a'.repeat(64),
      parentExists: true,
      container: false,
      keys: {},
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
    assert.deepEqual(plan.actions, [
      {
        kind: 'custom',
        name: 'set-live',
        settings: [
          ['net.ipv4.tcp_syncookies', '1'],
          ['kernel.kptr_restrict', '2'],
        ],
      },
      upload(persisted),
    ]);
    assert.match(plan.diff ?? '', /\+net\.ipv4\.tcp_syncookies = 1\n\+kernel\.kptr_restrict = 2\n$/);
  });

  it('in a container, sets only network keys and says which were persisted but not applied, and why', () => {
    const actions = decideSysctl(vm({ container: true }), want());
    assert.deepEqual(actions.live, [['net.ipv4.tcp_syncookies', '1']]);
    assert.deepEqual(actions.lines, [
      `create ${file}`,
      'set net.ipv4.tcp_syncookies 0 → 1',
      "persisted for the next boot, not applied live: kernel.kptr_restrict = 2 (the machine's kernel, not this container's)",
    ]);
    assert.deepEqual(planSysctl(vm({ container: true }), want()).actions, [
      { kind: 'custom', name: 'set-live', settings: [['net.ipv4.tcp_syncookies', '1']] },
      upload(persisted),
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
    const actions = decideSysctl(current, want({ settings: [...settings, ['net.ipv4.route.flush', '1']] }));
    assert.deepEqual(actions.live, []);
    assert.deepEqual(
      planSysctl(current, want({ settings: [...settings, ['net.ipv4.route.flush', '1']] })).actions,
      [upload(sysctlFileContent([...settings, ['net.ipv4.route.flush', '1']]))],
    );
    assert.deepEqual(actions.notLive, [
      'net.ipv4.tcp_syncookies = 1 (read-only /proc/sys here)',
      'kernel.kptr_restrict = 2 (unknown to the running kernel)',
      'net.ipv4.route.flush = 1 (cannot be read back)',
    ]);
  });

  it('plans nothing once the drop-in is right and the settable keys match, whatever the others say', () => {
    const current = vm({
      ...dropIn(persisted, false),
      container: true,
      keys: { 'net.ipv4.tcp_syncookies': rw('1'), 'kernel.kptr_restrict': rw('0') },
    });
    assert.deepEqual(planSysctl(current, want()), { actions: [], changes: [] });
  });

  it('repairs a live value that drifted while the drop-in stayed right', () => {
    const current = vm({
      ...dropIn(persisted),
      keys: { 'net.ipv4.tcp_syncookies': rw('0'), 'kernel.kptr_restrict': rw('2') },
    });
    assert.deepEqual(planSysctl(current, want()), {
      actions: [{ kind: 'custom', name: 'set-live', settings: [['net.ipv4.tcp_syncookies', '1']] }],
      changes: ['set net.ipv4.tcp_syncookies 0 → 1'],
    });
  });

  it('with apply false, only persists, naming the keys that differ live', () => {
    const plan = planSysctl(vm(), want({ apply: false }));
    assert.deepEqual(plan.changes, [
      `create ${file}`,
      'persisted for the next boot, not applied live: net.ipv4.tcp_syncookies = 1 (apply: false), kernel.kptr_restrict = 2 (apply: false)',
    ]);
    assert.deepEqual(plan.actions, [upload(persisted)]);
  });

  it('rewrites a drop-in with other content, and waits when its directory is missing', () => {
    const plan = planSysctl(
      vm({
        ...dropIn('# old\n'),
        keys: { 'net.ipv4.tcp_syncookies': rw('1'), 'kernel.kptr_restrict': rw('2') },
      }),
      want(),
    );
    assert.deepEqual(plan.changes, ['content']);
    assert.match(plan.diff ?? '', /^-# old$/m);
    assert.deepEqual(plan.actions, [upload(persisted)]);
    const withoutDiff = planSysctl(
      vm({
        ...dropIn('# old\n', false),
        keys: { 'net.ipv4.tcp_syncookies': rw('1'), 'kernel.kptr_restrict': rw('2') },
      }),
      want(),
    );
    assert.deepEqual(
      withoutDiff,
      { actions: [upload(persisted)], changes: ['content'] },
      'without --diff only the digest came: no diff',
    );
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
