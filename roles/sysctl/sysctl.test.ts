import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { Facts } from '../../lib/facts/facts.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import type { ResourceContext } from '../../lib/resources/resource.js';
import { hardeningSettings, ipv6SessionProblem, sysctlHardening, type SysctlVariables } from './index.js';
import { ipv6SessionGuard } from './ipv6-session-guard.js';

const host: InventoryHost = {
  name: 'vps1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'vps1', become: false },
};
const resolve = (variables: Partial<SysctlVariables>): SysctlVariables => {
  const { vars, problems } = resolveRoleVariables(sysctlHardening(variables), host);
  assert.deepEqual(problems, []);
  return vars as SysctlVariables;
};

describe('sysctl role', () => {
  it('hardens network and kernel by default, and never touches ip_forward or IPv6 unless asked', () => {
    const settings = hardeningSettings(resolve({}));
    assert.equal(settings['net.ipv4.conf.all.rp_filter'], 1);
    assert.equal(settings['net.ipv4.tcp_syncookies'], 1);
    assert.equal(settings['net.ipv4.conf.default.accept_redirects'], 0);
    assert.equal(settings['net.ipv6.conf.all.accept_source_route'], 0);
    assert.equal(settings['net.ipv4.conf.all.log_martians'], 1);
    assert.equal(settings['kernel.kptr_restrict'], 2);
    assert.equal(settings['kernel.yama.ptrace_scope'], 1);
    assert.equal(settings['fs.protected_regular'], 2);
    assert.equal(Object.keys(settings).length, 29);
    assert.ok(!('net.ipv4.ip_forward' in settings), 'ip_forward = 0 breaks Docker');
    assert.ok(!Object.keys(settings).some((key) => /disable_ipv6|accept_ra/.test(key)));
  });

  it('disables IPv6, sets ip_forward when told, and merges extra and exclude last', () => {
    const settings = hardeningSettings(
      resolve({
        kernel: false,
        rpFilter: 2,
        logMartians: false,
        disableIpv6: true,
        ipForward: true,
        extra: { 'vm.swappiness': 10, 'net.ipv4.tcp_syncookies': 0 },
        exclude: ['net.ipv4.tcp_rfc1337'],
      }),
    );
    assert.equal(settings['net.ipv6.conf.all.disable_ipv6'], 1);
    assert.equal(settings['net.ipv6.conf.default.disable_ipv6'], 1);
    assert.equal(settings['net.ipv4.ip_forward'], 1);
    assert.equal(settings['net.ipv4.conf.default.rp_filter'], 2);
    assert.equal(settings['net.ipv4.tcp_syncookies'], 0);
    assert.equal(settings['vm.swappiness'], 10);
    assert.ok(!('net.ipv4.tcp_rfc1337' in settings));
    assert.ok(!('net.ipv4.conf.all.log_martians' in settings));
    assert.ok(!Object.keys(settings).some((key) => /^(kernel|fs)\./.test(key)));
  });

  it('adds the IPv6 session guard before the settings only with disableIpv6', () => {
    const names = (vars: Partial<SysctlVariables>) =>
      sysctlHardening.definition.tasks(resolve(vars), roleContext(host, {} as Facts)).map((t) => t.name);
    assert.deepEqual(names({}), ['kernel hardening settings']);
    assert.deepEqual(names({ disableIpv6: true }), [
      'SSH session is not over IPv6',
      'kernel hardening settings',
    ]);
  });

  it('refuses a drop-in outside /etc/sysctl.d or not named *.conf', () => {
    const { problems } = resolveRoleVariables(sysctlHardening({ file: '/etc/sysctl.d/hardening' }), host);
    assert.match(problems.join(), /variable 'file' must match pattern/);
  });
});

describe('ipv6SessionProblem', () => {
  it('refuses an SSH session to an IPv6 address, not an IPv4 one (mapped or not)', () => {
    assert.match(
      ipv6SessionProblem('2001:db8::7 50122 2001:db8::1 22') ?? '',
      /connected over IPv6 \(to 2001:db8::1\)/,
    );
    assert.equal(ipv6SessionProblem('203.0.113.7 50122 198.51.100.1 22'), undefined);
    assert.equal(ipv6SessionProblem('::ffff:203.0.113.7 50122 ::ffff:198.51.100.1 22'), undefined);
    assert.equal(ipv6SessionProblem(undefined), undefined);
  });
});

describe('ipv6SessionGuard', () => {
  const ctx = { transport: { hostName: 'vps1' } } as ResourceContext;
  const probe = ipv6SessionGuard().probe(ctx);
  assert.ok('script' in probe);

  it("reads the session's SSH_CONNECTION and fails the task over IPv6 only", () => {
    const over = (connection: string) =>
      probe.parse({ code: 0, stdout: `login.connection=${connection}\nlogin.user=root\n`, stderr: '' });
    const v6 = over('2001:db8::7 50122 2001:db8::1 22');
    assert.deepEqual(v6, { connection: '2001:db8::7 50122 2001:db8::1 22' });
    const refused = ipv6SessionGuard().verify(v6, ctx);
    assert.equal(refused.passed, false);
    assert.match(refused.message ?? '', /connected over IPv6 \(to 2001:db8::1\)/);
    assert.deepEqual(ipv6SessionGuard().verify(over('203.0.113.7 50122 198.51.100.1 22'), ctx), {
      passed: true,
    });
    assert.deepEqual(probe.parse({ code: 0, stdout: '', stderr: '' }), { connection: undefined });
  });

  it('fails the probe when its script fails', () => {
    assert.throws(
      () => probe.parse({ code: 2, stdout: '', stderr: 'sh: 1: tr: not found' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        error.message === 'vps1: finding the SSH session failed (exit 2):\nsh: 1: tr: not found',
    );
  });
});
