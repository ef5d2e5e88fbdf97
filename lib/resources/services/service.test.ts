import assert from 'node:assert/strict';
import { systemctl } from '../actions.js';
import type { Probe, ResourceContext } from '../resource.js';
import {
  localDropInsChanged,
  parseServiceState,
  planService,
  service,
  type ServiceDesired,
  type ServiceState,
} from './service.js';

const unitState = (overrides: Partial<ServiceState> = {}): ServiceState => ({
  loadState: 'loaded',
  activeState: 'active',
  unitFileState: 'enabled',
  canReload: true,
  needDaemonReload: false,
  ...overrides,
});
const stopped = unitState({ activeState: 'inactive', unitFileState: 'disabled' });
const notFound = unitState({ loadState: 'not-found', activeState: 'inactive', unitFileState: '' });
const want = (overrides: Partial<ServiceDesired>): ServiceDesired => ({
  unit: 'cron.service',
  daemonReload: false,
  ...overrides,
});
const cron = (...verbs: Parameters<typeof systemctl>[0][]) =>
  verbs.map((verb) => systemctl(verb, 'cron.service'));
const nothing = { actions: [], changes: [] };

describe('planService', () => {
  it('starts and enables a stopped, disabled unit', () => {
    assert.deepEqual(planService(stopped, want({ state: 'started', enabled: true })), {
      actions: cron('enable', 'start'),
      changes: ['enable cron.service', 'start cron.service'],
    });
  });

  it('stops and disables a running, enabled unit', () => {
    assert.deepEqual(planService(unitState(), want({ state: 'stopped', enabled: false })), {
      actions: cron('disable', 'stop'),
      changes: ['disable cron.service', 'stop cron.service'],
    });
  });

  it('changes nothing when the unit is as wanted', () => {
    assert.deepEqual(planService(unitState(), want({ state: 'started', enabled: true })), nothing);
    assert.deepEqual(planService(stopped, want({ state: 'stopped', enabled: false })), nothing);
    assert.deepEqual(planService(unitState({ activeState: 'failed' }), want({ state: 'stopped' })), nothing);
  });

  it('treats static and indirect units as enabled: there is nothing to enable', () => {
    assert.deepEqual(planService(unitState({ unitFileState: 'static' }), want({ enabled: true })), nothing);
    assert.deepEqual(planService(unitState({ unitFileState: 'static' }), want({ enabled: false })), nothing);
  });

  it('always restarts, and reloads what can reload', () => {
    assert.deepEqual(planService(unitState(), want({ state: 'restarted' })), {
      actions: cron('restart'),
      changes: ['restart cron.service'],
    });
    assert.deepEqual(planService(unitState(), want({ state: 'reloaded' })), {
      actions: cron('reload'),
      changes: ['reload cron.service'],
    });
    assert.deepEqual(planService(unitState({ canReload: false }), want({ state: 'reloaded' })), {
      actions: cron('restart'),
      changes: ['restart cron.service (it cannot reload)'],
    });
    assert.deepEqual(planService(stopped, want({ state: 'reloaded' })), {
      actions: cron('start'),
      changes: ['start cron.service'],
    });
  });

  it('plans for a unit that is not installed yet, and says an earlier change is needed', () => {
    assert.deepEqual(planService(notFound, want({ state: 'started', enabled: true, daemonReload: true })), {
      actions: [systemctl('daemon-reload'), ...cron('enable', 'start')],
      changes: ['daemon-reload', 'enable cron.service', 'start cron.service'],
      needsEarlierChanges: 'unit cron.service is not installed yet',
    });
  });

  it('has nothing to stop or disable in a unit that does not exist', () => {
    assert.deepEqual(planService(notFound, want({ state: 'stopped', enabled: false })), nothing);
  });

  it('reloads systemd only when asked and needed', () => {
    assert.deepEqual(planService(unitState({ needDaemonReload: true }), want({ daemonReload: true })), {
      actions: [systemctl('daemon-reload')],
      changes: ['daemon-reload'],
    });
    assert.deepEqual(planService(unitState(), want({ daemonReload: true })), nothing);
    assert.deepEqual(planService(unitState({ needDaemonReload: true }), want({})), nothing);
  });

  it('refuses to start or enable a masked unit', () => {
    const masked = unitState({ loadState: 'masked', activeState: 'inactive', unitFileState: 'masked' });
    assert.throws(
      () => planService(masked, want({ state: 'started' })),
      /masked.*systemctl unmask cron\.service/,
    );
    assert.deepEqual(planService(masked, want({ state: 'stopped', enabled: false })), nothing);
  });
});

describe('parseServiceState', () => {
  const show = (dropIns: string) =>
    [
      'LoadState=loaded',
      'ActiveState=active',
      'UnitFileState=enabled',
      'CanReload=no',
      'NeedDaemonReload=no',
      'DropInPaths=/etc/systemd/system/cron.service.d/a.conf /usr/lib/systemd/system/cron.service.d/v.conf',
      `DropInsOnDisk=${dropIns}`,
      '',
    ].join('\n');

  it('reads systemctl show and the drop-ins on disk', () => {
    assert.deepEqual(parseServiceState('cron.service', show('/etc/systemd/system/cron.service.d/a.conf ')), {
      loadState: 'loaded',
      activeState: 'active',
      unitFileState: 'enabled',
      canReload: false,
      needDaemonReload: false,
    });
  });

  it('needs a daemon-reload for a drop-in systemd has not loaded', () => {
    const onDisk = '/etc/systemd/system/cron.service.d/a.conf /etc/systemd/system/cron.service.d/b.conf ';
    assert.equal(parseServiceState('cron.service', show(onDisk)).needDaemonReload, true);
  });

  it('reads a unit that is not installed', () => {
    const state = parseServiceState(
      'nope.service',
      'LoadState=not-found\nActiveState=inactive\nUnitFileState=\nCanReload=no\nNeedDaemonReload=no\nDropInPaths=\nDropInsOnDisk=\n',
    );
    assert.deepEqual(state, { ...notFound, canReload: false });
  });
});

describe('service probe', () => {
  const ctx = { facts: { init: 'systemd' }, transport: { hostName: 'web1' } } as unknown as ResourceContext;

  it('is one script, whose failure reads as a failed probe', () => {
    const probe = service({ name: 'cron' }).probe(ctx) as Probe<ServiceState>;
    assert.match(probe.script, /^systemctl show -p \S+ -- cron\.service && /);
    assert.throws(
      () => probe.parse({ code: 1, stdout: '', stderr: 'Failed to connect to bus' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        error.message === 'web1: probing cron.service failed (exit 1):\nFailed to connect to bus',
    );
  });

  it('refuses a host without systemd', () => {
    const noSystemd = { ...ctx, facts: { init: 'sysvinit' } } as unknown as ResourceContext;
    assert.throws(() => service({ name: 'cron' }).probe(noSystemd), /PID 1 is not systemd/);
  });
});

describe('service() options', () => {
  it('adds .service to a bare name and keeps other unit types', () => {
    assert.equal(service({ name: 'nginx' }).id, 'nginx.service');
    assert.equal(service({ name: 'backup.timer' }).id, 'backup.timer');
    assert.equal(service({ name: 'getty@tty1' }).id, 'getty@tty1.service');
  });

  it('rejects names that are not unit names', () => {
    assert.throws(() => service({ name: 'cron; touch /tmp/pwned' }), /not a systemd unit name/);
    assert.throws(() => service({ name: '--now' }), /not a systemd unit name/);
  });
});

describe('localDropInsChanged', () => {
  const etc = '/etc/systemd/system/cron.service.d';
  it('is false when systemd loaded exactly the drop-ins in /etc and /run', () => {
    const loaded = [`${etc}/a.conf`, '/run/systemd/system/cron.service.d/b.conf', '/usr/lib/x.conf'];
    assert.equal(
      localDropInsChanged('cron.service', loaded, [
        `${etc}/a.conf`,
        '/run/systemd/system/cron.service.d/b.conf',
      ]),
      false,
    );
  });
  it('is true for a drop-in systemd has not read, or one it read that is gone', () => {
    assert.equal(localDropInsChanged('cron.service', [], [`${etc}/override.conf`]), true);
    assert.equal(localDropInsChanged('cron.service', [`${etc}/a.conf`], []), true);
    assert.equal(localDropInsChanged('cron.service', [`${etc}/a.conf`], [`${etc}/b.conf`]), true);
  });
  it("ignores vendor drop-ins and other units' folders", () => {
    assert.equal(
      localDropInsChanged('cron.service', ['/usr/lib/systemd/system/cron.service.d/v.conf'], []),
      false,
    );
    assert.equal(
      localDropInsChanged('cron.service', [], ['/etc/systemd/system/cron.service.dx/a.conf']),
      false,
    );
  });
});

describe('service as a handler', () => {
  it('only a plain restart or reload refreshes its unit (the engine may skip it after a fresh start)', () => {
    assert.equal(service({ name: 'nginx', state: 'reloaded' }).refreshes, 'nginx.service');
    assert.equal(service({ name: 'nginx', state: 'restarted' }).refreshes, 'nginx.service');
    assert.equal(service({ name: 'nginx', state: 'restarted', daemonReload: true }).refreshes, undefined);
    assert.equal(service({ name: 'nginx', state: 'restarted', enabled: true }).refreshes, undefined);
    assert.equal(service({ name: 'nginx', state: 'started' }).refreshes, undefined);
  });
});
