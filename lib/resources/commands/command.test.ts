import assert from 'node:assert/strict';
import { sh } from '../../transport/shell.js';
import { run as runAction } from '../actions.js';
import { command, parseGuards, planCommand, type CommandDesired, type CommandState } from './command.js';
import { isProbe, type Probe, type ResourceContext } from '../resource.js';

const run = (overrides: Partial<CommandDesired> = {}): CommandDesired => ({
  run: 'make install',
  ...overrides,
});
const willRun = {
  actions: [runAction('make install', 'command `make install`', 'COMMAND_FAILED')],
  changes: ['run: make install'],
};
const skip = { actions: [], changes: [] };

describe('planCommand', () => {
  it('runs every time without a guard', () => {
    assert.deepEqual(planCommand({ cwdMissing: false }, run()), willRun);
  });

  it('creates: skips when the path exists', () => {
    const desired = run({ creates: '/opt/app' });
    assert.deepEqual(planCommand({ cwdMissing: false, createsExists: true }, desired), skip);
    assert.deepEqual(planCommand({ cwdMissing: false, createsExists: false }, desired), willRun);
  });

  it('removes: runs only when the path exists', () => {
    const desired = run({ removes: '/tmp/lock' });
    assert.deepEqual(planCommand({ cwdMissing: false, removesExists: true }, desired), willRun);
    assert.deepEqual(planCommand({ cwdMissing: false, removesExists: false }, desired), skip);
  });

  it('unless: skips when the probe succeeds', () => {
    const desired = run({ unless: 'test -x /usr/local/bin/app' });
    assert.deepEqual(planCommand({ cwdMissing: false, unlessCode: 0 }, desired), skip);
    assert.deepEqual(planCommand({ cwdMissing: false, unlessCode: 1 }, desired), willRun);
  });

  it('onlyIf: runs only when the probe succeeds', () => {
    const desired = run({ onlyIf: 'test -f /etc/app.conf' });
    assert.deepEqual(planCommand({ cwdMissing: false, onlyIfCode: 0 }, desired), willRun);
    assert.deepEqual(planCommand({ cwdMissing: false, onlyIfCode: 2 }, desired), skip);
  });

  it('runs only when every guard agrees', () => {
    const desired = run({ creates: '/opt/app', onlyIf: 'true' });
    assert.deepEqual(planCommand({ cwdMissing: false, createsExists: true, onlyIfCode: 0 }, desired), skip);
    assert.deepEqual(
      planCommand({ cwdMissing: false, createsExists: false, onlyIfCode: 0 }, desired),
      willRun,
    );
  });

  it('waits for an earlier task when its working directory does not exist yet', () => {
    assert.deepEqual(planCommand({ cwdMissing: true }, run({ cwd: '/srv/app', creates: 'build' })), {
      actions: [
        runAction('cd -- /srv/app || exit 1\nmake install', 'command `make install`', 'COMMAND_FAILED'),
      ],
      changes: willRun.changes,
      needsEarlierChanges: 'directory /srv/app does not exist yet',
    });
  });

  it('runs in its working directory, with its environment and standard input', () => {
    const desired = run({ cwd: '/srv/my app', env: { MODE: 'prod' }, stdin: 'yes\n' });
    assert.deepEqual(planCommand({ cwdMissing: false }, desired).actions, [
      runAction("cd -- '/srv/my app' || exit 1\nmake install", 'command `make install`', 'COMMAND_FAILED', {
        env: { MODE: 'prod' },
        stdin: 'yes\n',
      }),
    ]);
  });
});

describe('parseGuards', () => {
  const all = run({ creates: '/opt/app', removes: '/tmp/lock', unless: 'false', onlyIf: 'true' });
  it('reads each guard that was given, and leaves the others undefined', () => {
    assert.deepEqual(parseGuards('creates=1\nunless=1\nonly_if=0\n', all), {
      cwdMissing: false,
      createsExists: true,
      removesExists: false,
      unlessCode: 1,
      onlyIfCode: 0,
    });
    assert.deepEqual(parseGuards('unless=0\n', run({ unless: 'true' })), {
      cwdMissing: false,
      createsExists: undefined,
      removesExists: undefined,
      unlessCode: 0,
      onlyIfCode: undefined,
    });
  });
  it('reads a working directory that is missing', () => {
    assert.equal(parseGuards('cwd_missing=1\n', run({ cwd: '/srv/app', creates: 'x' })).cwdMissing, true);
  });
});

describe('command()', () => {
  const context = { check: true, facts: {}, transport: { hostName: 'h' } } as unknown as ResourceContext;

  it('costs no round trip without guards', async () => {
    const probe = command({ run: 'true' }).probe(context);
    assert.equal(isProbe(probe), false, 'no script to send');
    assert.deepEqual(await probe, { cwdMissing: false });
  });

  it('answers every guard in one script, with values quoted', () => {
    const resource = command({
      run: sh`touch ${'/tmp/a b'}`,
      creates: '/tmp/x; touch /tmp/pwned',
      unless: 'grep -q done /tmp/state',
      cwd: '/srv/my app',
      env: { STATE: 'done' },
    });
    const probe = resource.probe(context) as Probe<CommandState>;
    assert.ok(probe.script.includes(String(sh`cd -- ${'/srv/my app'} `)), probe.script);
    assert.ok(probe.script.includes(String(sh`[ -e ${'/tmp/x; touch /tmp/pwned'} ]`)), probe.script);
    assert.deepEqual(probe.env, { STATE: 'done' }, 'guards see the command’s environment');
    const state = probe.parse({ code: 0, stdout: 'creates=1\nunless=1\n', stderr: '' });
    assert.deepEqual(state, {
      cwdMissing: false,
      createsExists: true,
      removesExists: undefined,
      unlessCode: 1,
      onlyIfCode: undefined,
    });
    assert.equal(resource.id, "touch '/tmp/a b'");
  });

  it('fails as a probe when the guard script cannot run', () => {
    const probe = command({ run: 'true', creates: '/x' }).probe(context) as Probe<CommandState>;
    assert.throws(
      () => probe.parse({ code: 126, stdout: '', stderr: 'sh: permission denied' }),
      (error: Error & { code?: string }) =>
        error.code === 'PROBE_FAILED' &&
        /^h: probing the guards of a command failed \(exit 126\)/.test(error.message),
    );
  });
});
