import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type { AccessPolicy } from './access-check.js';
import type { RenderedDropIn } from './sshd-drop-in.js';
import type { Probe, ResourceContext } from '../../lib/resources/resource.js';
import { parseSshdHost, sshdPrecheck, verifySshdPrecheck, type SshdPrecheckState } from './sshd-precheck.js';

const policy: AccessPolicy = {
  permitRootLogin: 'no',
  pubkeyAuthentication: true,
  allowUsers: [],
  allowGroups: [],
  allowLoginChangeForConnectingUser: false,
};
const dropIn: RenderedDropIn = { content: 'Port 22\n', keywords: ['port'], problems: [] };
const deploy = { name: 'deploy', groups: ['deploy'] };
const fine: SshdPrecheckState = {
  host: 'web1',
  layout: { main: 'Include /etc/ssh/sshd_config.d/*.conf\n', dropIns: [] },
  access: { login: deploy, keyUsers: [deploy] },
};

describe('verifySshdPrecheck', () => {
  it('passes when nothing is wrong', () => {
    assert.deepEqual(verifySshdPrecheck(fine, { dropIn, policy }), { passed: true });
  });

  it('refuses with every reason at once, saying nothing was changed', () => {
    const state: SshdPrecheckState = {
      ...fine,
      layout: { main: 'Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n', dropIns: [] },
      rejected: '/etc/ssh/sshd_config.d/00-bosun-hardening.conf line 4: Bad configuration option: FooBar',
    };
    const verdict = verifySshdPrecheck(state, {
      dropIn: { ...dropIn, problems: ["extraSettings.Port: set it with the role variable 'ports'."] },
      policy: { ...policy, allowUsers: ['alice'] },
    });
    assert.ok(!verdict.passed, 'refused');
    const lines = verdict.message.split('\n  - ');
    assert.equal(lines[0], 'web1: harden-ssh refuses these sshd settings; nothing was changed:');
    assert.match(lines[1], /^deploy, the user Bosun logs in as, could no longer log in/);
    assert.match(lines[2], /^extraSettings\.Port/);
    assert.match(lines[3], /^\/etc\/ssh\/sshd_config line 2 sets port too/);
    assert.match(
      lines[4],
      /^sshd -t rejects the planned configuration:\n {4}\/etc\/ssh\/sshd_config\.d\/00-bosun-hardening\.conf line 4: Bad configuration option: FooBar$/,
    );
  });
});

describe('parseSshdHost', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it('reads the login, the users with keys and sshd’s files', () => {
    const output = [
      'login.connection=172.17.0.1 50412 172.17.0.2 22',
      'login.user=deploy',
      'login.groups=deploy,sudo',
      'keyuser.root=root',
      'keyuser.deploy=deploy,sudo',
      `main=${b64('Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n')}`,
      `dropin.1=${b64('50-cloud-init.conf')} ${b64('PasswordAuthentication yes\n')}`,
      '',
    ].join('\n');
    assert.deepEqual(parseSshdHost('web1', output), {
      host: 'web1',
      layout: {
        main: 'Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n',
        dropIns: [{ name: '50-cloud-init.conf', content: 'PasswordAuthentication yes\n' }],
      },
      access: {
        login: { name: 'deploy', groups: ['deploy', 'sudo'] },
        keyUsers: [
          { name: 'root', groups: ['root'] },
          { name: 'deploy', groups: ['deploy', 'sudo'] },
        ],
      },
    });
  });

  it('reads a host without an SSH session', () => {
    assert.equal(parseSshdHost('web1', 'main=\n').access.login, undefined);
  });
});

describe('sshdPrecheck probe', () => {
  const sshd = { service: 'ssh', socketActivated: false, version: '9.2' };
  const main = Buffer.from('Include /etc/ssh/sshd_config.d/*.conf\n').toString('base64');
  /** The probe against a host whose `sshd -t` answers `test`; records what was sent to it. */
  const probeWith = (test: { code: number; stderr: string }) => {
    const sent: { command: string; stdin?: unknown }[] = [];
    const ctx = {
      facts: { isRoot: true, init: 'systemd' },
      transport: {
        hostName: 'web1',
        exec: async (command: string, options: { stdin?: unknown } = {}) => {
          sent.push({ command, stdin: options.stdin });
          return { ...test, stdout: '' };
        },
      },
    } as unknown as ResourceContext;
    return { sent, probe: sshdPrecheck({ dropIn, policy }, sshd).probe(ctx) as Probe<SshdPrecheckState> };
  };

  it('reads the host in its script, then tests the planned configuration with the host’s sshd', async () => {
    const { sent, probe } = probeWith({
      code: 255,
      stderr: '/dev/stdin line 1: Bad configuration option: FooBar\n',
    });
    const state = await probe.followUp!(probe.parse({ code: 0, stdout: `main=${main}\n`, stderr: '' }));
    assert.deepEqual(sent, [{ command: '/usr/sbin/sshd -t -f /dev/stdin', stdin: 'Port 22\n' }]);
    assert.equal(
      state.rejected,
      '/etc/ssh/sshd_config.d/00-bosun-hardening.conf line 1: Bad configuration option: FooBar',
    );
  });

  it('skips sshd -t when the drop-in on the host is already the planned one (a no-op run)', async () => {
    const { sent, probe } = probeWith({ code: 255, stderr: 'never asked' });
    const ours = Buffer.from(dropIn.content).toString('base64');
    const state = await probe.followUp!(
      probe.parse({ code: 0, stdout: `main=${main}\nours=${ours}\n`, stderr: '' }),
    );
    assert.deepEqual(sent, []);
    assert.equal(state.rejected, undefined);
  });

  it('sends a script that sh parses, reading sshd’s files and logins and nothing else', () => {
    const { probe } = probeWith({ code: 0, stderr: '' });
    execFileSync('sh', ['-n'], { input: probe.script });
    assert.match(probe.script, /^login_user=$/m);
    assert.doesNotMatch(probe.script, /function|=>/);
  });

  it('fails with PROBE_FAILED when its script fails', () => {
    const { probe } = probeWith({ code: 0, stderr: '' });
    assert.throws(
      () => probe.parse({ code: 2, stdout: '', stderr: 'base64: not found' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        /web1: reading the sshd configuration and logins failed \(exit 2\)/.test(error.message),
    );
  });

  it('refuses a host it cannot run on, before reading it', () => {
    const ctx = { facts: { isRoot: false, init: 'systemd' }, transport: { hostName: 'web1' } };
    assert.throws(
      () => sshdPrecheck({ dropIn, policy }, sshd).probe(ctx as never),
      /web1: harden-ssh cannot run: it needs root/,
    );
  });
});
