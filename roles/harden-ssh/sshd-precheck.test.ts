import assert from 'node:assert/strict';
import type { AccessPolicy } from './access-check.js';
import type { RenderedDropIn } from './sshd-drop-in.js';
import { planSshdPrecheck, type SshdPrecheckState } from './sshd-precheck.js';

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

describe('planSshdPrecheck', () => {
  it('passes without changes when nothing is wrong', () => {
    assert.deepEqual(planSshdPrecheck(fine, { dropIn, policy }), { changes: [] });
  });

  it('refuses with every reason at once, saying nothing was changed', () => {
    const state: SshdPrecheckState = {
      ...fine,
      layout: { main: 'Include /etc/ssh/sshd_config.d/*.conf\nPort 22\n', dropIns: [] },
      rejected: '/etc/ssh/sshd_config.d/00-bosun-hardening.conf line 4: Bad configuration option: FooBar',
    };
    assert.throws(
      () =>
        planSshdPrecheck(state, {
          dropIn: { ...dropIn, problems: ["extraSettings.Port: set it with the role variable 'ports'."] },
          policy: { ...policy, allowUsers: ['alice'] },
        }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'SSHD_PLAN_REFUSED');
        const lines = error.message.split('\n  - ');
        assert.equal(lines[0], 'web1: harden-ssh refuses these sshd settings; nothing was changed:');
        assert.match(lines[1], /^deploy, the user Bosun logs in as, could no longer log in/);
        assert.match(lines[2], /^extraSettings\.Port/);
        assert.match(lines[3], /^\/etc\/ssh\/sshd_config line 2 sets port too/);
        assert.match(
          lines[4],
          /^sshd -t rejects the planned configuration:\n {4}\/etc\/ssh\/sshd_config\.d\/00-bosun-hardening\.conf line 4: Bad configuration option: FooBar$/,
        );
        return true;
      },
    );
  });
});
