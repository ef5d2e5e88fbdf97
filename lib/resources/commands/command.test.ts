import assert from 'node:assert/strict';
import { sh } from '../../transport/shell.js';
import { command, planCommand, type CommandDesired } from './command.js';
import type { ResourceContext } from '../resource.js';

const run = (overrides: Partial<CommandDesired> = {}): CommandDesired => ({
  run: 'make install',
  ...overrides,
});
const willRun = { changes: ['run: make install'] };
const skip = { changes: [] };

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
      ...willRun,
      needsEarlierChanges: 'directory /srv/app does not exist yet',
    });
  });
});

describe('command()', () => {
  const context = (exec: (command: string) => void): ResourceContext =>
    ({
      check: true,
      facts: {},
      transport: {
        hostName: 'h',
        exec: async (text: string) => {
          exec(text);
          return { code: 0, stdout: 'creates=1\nunless=1\n', stderr: '' };
        },
      },
    }) as unknown as ResourceContext;

  it('costs no round trip without guards', async () => {
    let calls = 0;
    const state = await command({ run: 'true' }).probe(context(() => calls++));
    assert.equal(calls, 0);
    assert.deepEqual(state, { cwdMissing: false });
  });

  it('answers every guard in one script, with values quoted', async () => {
    const scripts: string[] = [];
    const resource = command({
      run: sh`touch ${'/tmp/a b'}`,
      creates: '/tmp/x; touch /tmp/pwned',
      unless: 'grep -q done /tmp/state',
      cwd: '/srv/my app',
    });
    const state = await resource.probe(context((text) => scripts.push(text)));
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0].includes(String(sh`cd -- ${'/srv/my app'} `)), scripts[0]);
    assert.ok(scripts[0].includes(String(sh`[ -e ${'/tmp/x; touch /tmp/pwned'} ]`)), scripts[0]);
    assert.deepEqual(state, {
      cwdMissing: false,
      createsExists: true,
      removesExists: undefined,
      unlessCode: 1,
      onlyIfCode: undefined,
    });
    assert.equal(resource.id, "touch '/tmp/a b'");
  });
});
