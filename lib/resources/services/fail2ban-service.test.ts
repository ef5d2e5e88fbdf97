import assert from 'node:assert/strict';
import { fail2banService, planFail2banService, type Fail2banServiceDesired } from './fail2ban-service.js';

const want = (overrides: Partial<Fail2banServiceDesired> = {}): Fail2banServiceDesired => ({
  state: 'started',
  enabled: true,
  jails: ['sshd'],
  settleSeconds: 30,
  ...overrides,
});
const unit = (activeState: string, unitFileState = 'enabled', loadState = 'loaded') => ({
  loadState,
  activeState,
  unitFileState,
});

describe('fail2banService', () => {
  it('starts a server that failed (as Debian 12’s package leaves it without auth.log)', () => {
    assert.deepEqual(planFail2banService(unit('failed'), want()), { changes: ['start fail2ban.service'] });
  });

  it('leaves a running, enabled server alone; a handler reloads it', () => {
    assert.deepEqual(planFail2banService(unit('active'), want()), { changes: [] });
    assert.deepEqual(planFail2banService(unit('active'), want({ state: 'reloaded' })), {
      changes: ['reload fail2ban.service'],
    });
    assert.deepEqual(planFail2banService(unit('inactive'), want({ state: 'reloaded' })), {
      changes: ['start fail2ban.service'],
    });
  });

  it('enables at boot', () => {
    assert.deepEqual(planFail2banService(unit('active', 'disabled'), want()), {
      changes: ['enable fail2ban.service'],
    });
  });

  it('waits for the package when fail2ban is not installed yet', () => {
    assert.deepEqual(planFail2banService(unit('inactive', '', 'not-found'), want()), {
      changes: ['enable fail2ban.service', 'start fail2ban.service'],
      needsEarlierChanges: 'fail2ban is not installed yet',
    });
  });

  it('refuses a jail name that is not one', () => {
    assert.throws(() => fail2banService({ state: 'started', jails: ['sshd; reboot'] }), /not a jail name/);
  });
});
