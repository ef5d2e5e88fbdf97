import assert from 'node:assert/strict';
import { systemctl } from '../actions.js';
import type { Probe, ResourceContext } from '../resource.js';
import {
  fail2banService,
  parseFail2banState,
  planFail2banService,
  settleAction,
  type Fail2banServiceDesired,
  type Fail2banServiceState,
} from './fail2ban-service.js';

const want = (overrides: Partial<Fail2banServiceDesired> = {}): Fail2banServiceDesired => ({
  state: 'started',
  enabled: true,
  jails: ['sshd'],
  settleSeconds: 30,
  ...overrides,
});
const unit = (
  activeState: string,
  unitFileState = 'enabled',
  loadState = 'loaded',
  times: Pick<Fail2banServiceState, 'startedAt' | 'changedAt'> = { startedAt: 5_000_000 },
): Fail2banServiceState => ({ loadState, activeState, unitFileState, ...times });
const fail2ban = (...verbs: Parameters<typeof systemctl>[0][]) =>
  verbs.map((verb) => systemctl(verb, 'fail2ban.service'));

describe('fail2banService', () => {
  it('starts a server that failed (as Debian 12’s package leaves it without auth.log)', () => {
    assert.deepEqual(planFail2banService(unit('failed'), want()), {
      actions: [...fail2ban('start'), settleAction(want())],
      changes: ['start fail2ban.service'],
    });
  });

  it('leaves a running, enabled server alone; a handler reloads it', () => {
    assert.deepEqual(planFail2banService(unit('active'), want()), { actions: [], changes: [] });
    const reload = want({ state: 'reloaded' });
    assert.deepEqual(planFail2banService(unit('active'), reload), {
      actions: [...fail2ban('reload'), settleAction(reload)],
      changes: ['reload fail2ban.service'],
    });
    assert.deepEqual(planFail2banService(unit('inactive'), reload), {
      actions: [...fail2ban('start'), settleAction(reload)],
      changes: ['start fail2ban.service'],
    });
  });

  it('enables at boot, without waiting on a server that keeps running', () => {
    assert.deepEqual(planFail2banService(unit('active', 'disabled'), want()), {
      actions: fail2ban('enable'),
      changes: ['enable fail2ban.service'],
    });
  });

  it('waits for the package when fail2ban is not installed yet', () => {
    assert.deepEqual(planFail2banService(unit('inactive', '', 'not-found'), want()), {
      actions: [...fail2ban('enable', 'start'), settleAction(want())],
      changes: ['enable fail2ban.service', 'start fail2ban.service'],
      needsEarlierChanges: 'fail2ban is not installed yet',
    });
  });

  it('waits with the jails and the time it was given, and fails with its own code', () => {
    const action = settleAction(want({ jails: ['sshd', 'recidive'], settleSeconds: 10 }));
    assert.equal(action.code, 'FAIL2BAN_FAILED');
    assert.match(
      action.command,
      /fail2ban-client status sshd >\/dev\/null 2>&1 && fail2ban-client status recidive/,
    );
    assert.match(
      action.command,
      /did not settle within 10 s \(server and jails sshd, recidive answering for 3 s\)/,
    );
  });

  it('refuses a jail name that is not one, and a changed file that is not a path', () => {
    assert.throws(() => fail2banService({ state: 'started', jails: ['sshd; reboot'] }), /not a jail name/);
    assert.throws(() => fail2banService({ state: 'reloaded', changedFile: 'jail.local' }), /absolute path/);
  });
});

describe('fail2banService: the reload handler after a start in the same run', () => {
  const handler = want({
    state: 'reloaded',
    enabled: undefined,
    changedFile: '/etc/fail2ban/jail.d/00-bosun.local',
  });

  it('plans nothing when the server started after the jail file changed: it read the new file', () => {
    const startedLater = unit('active', 'enabled', 'loaded', { startedAt: 9_000_000, changedAt: 8_500_000 });
    assert.deepEqual(planFail2banService(startedLater, handler), {
      actions: [],
      changes: [],
      message: 'not needed: fail2ban was started after the change',
    });
  });

  it('reloads a server that started before the change, or when the change time is unknown', () => {
    const reload = {
      actions: [...fail2ban('reload'), settleAction(handler)],
      changes: ['reload fail2ban.service'],
    };
    const startedEarlier = unit('active', 'enabled', 'loaded', {
      startedAt: 8_000_000,
      changedAt: 8_500_000,
    });
    assert.deepEqual(planFail2banService(startedEarlier, handler), reload);
    assert.deepEqual(planFail2banService(unit('active'), handler), reload);
  });

  it('starts a server that is not running, whenever it last started', () => {
    const failedSince = unit('failed', 'enabled', 'loaded', { startedAt: 9_000_000, changedAt: 8_500_000 });
    assert.deepEqual(planFail2banService(failedSince, handler).changes, ['start fail2ban.service']);
  });
});

describe('fail2banService probe', () => {
  const ctx = { transport: { hostName: 'web1' } } as unknown as ResourceContext;
  const show =
    'LoadState=loaded\nActiveState=active\nUnitFileState=enabled\nActiveEnterTimestampMonotonic=7151222\n';

  it('reads systemctl show, and when the changed file changed on the same clock', () => {
    assert.deepEqual(parseFail2banState(show), {
      loadState: 'loaded',
      activeState: 'active',
      unitFileState: 'enabled',
      startedAt: 7151222,
    });
    assert.deepEqual(parseFail2banState(`${show}ChangedMonotonic=6803410\n`), {
      loadState: 'loaded',
      activeState: 'active',
      unitFileState: 'enabled',
      startedAt: 7151222,
      changedAt: 6803410,
    });
    assert.equal(
      parseFail2banState(
        'LoadState=not-found\nActiveState=inactive\nUnitFileState=\nActiveEnterTimestampMonotonic=0\n',
      ).startedAt,
      0,
    );
  });

  it('passes the changed file through the environment, and fails as a probe when systemctl does', () => {
    const changedFile = "/etc/fail2ban/jail.d/it's.local";
    const probe = fail2banService({ state: 'reloaded', changedFile }).probe(
      ctx,
    ) as Probe<Fail2banServiceState>;
    assert.deepEqual(probe.env, { F2B_CHANGED_FILE: changedFile });
    assert.ok(!probe.script.includes(changedFile));
    const started = fail2banService({ state: 'started' }).probe(ctx) as Probe<Fail2banServiceState>;
    assert.equal(started.env, undefined);
    assert.doesNotMatch(started.script, /python3/);
    assert.throws(
      () => started.parse({ code: 1, stdout: '', stderr: 'System has not been booted with systemd' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        error.message ===
          'web1: probing fail2ban.service failed (exit 1):\nSystem has not been booted with systemd',
    );
  });
});
