import assert from 'node:assert/strict';
import { run } from '../resources/actions.js';
import type { Check, Plan, Resource, ResourceContext } from '../resources/resource.js';
import { FakeHost } from '../testing/fake-host.js';
import type { Facts } from '../facts/facts.js';
import { runTask, type TaskRun } from './run-task.js';

const planned = (plan: Plan): Resource<null> => ({
  kind: 'fixed',
  id: 'it',
  probe: () => ({ script: 'true', parse: () => null }),
  plan: () => plan,
});

describe('runTask', () => {
  const host = new FakeHost('task-host');
  after(() => host.remove());
  const taskRun = (check: boolean, earlierChanges = false): TaskRun => {
    const transport = host.connect();
    const ctx: ResourceContext = {
      transport,
      facts: {} as Facts,
      check,
      diff: false,
      reconnect: async () => transport,
    };
    return {
      ctx,
      diff: false,
      earlierChanges,
      redact: (text) => text.replaceAll('s3cret', '********'),
      where: { host: 'task-host', play: 'p' },
    };
  };
  const write = (path: string) => run(`echo s3cret > ${path}`, `writing ${path}`, 'WRITE_FAILED');

  it('executes exactly the plan’s actions, and reports its lines with secrets hidden', async () => {
    const path = host.path('written');
    const { result, actions } = await runTask(
      { name: 't', resource: planned({ actions: [write(path)], changes: ['write s3cret'] }) },
      { state: null },
      taskRun(false),
    );
    assert.deepEqual([result.status, result.changes], ['changed', ['write ********']]);
    assert.deepEqual(actions, [write(path)]);
    assert.equal(result.roundTrips, 1);
  });

  it('in check mode executes nothing, and fails a plan that needs an earlier change no task makes', async () => {
    const path = host.path('never');
    const plan = {
      actions: [write(path)],
      changes: ['write'],
      needsEarlierChanges: 'unit x is not installed yet',
    };
    const alone = await runTask({ name: 't', resource: planned(plan) }, { state: null }, taskRun(true));
    assert.deepEqual(
      [alone.result.status, alone.result.message],
      ['failed', 'unit x is not installed yet, and no earlier task installs it'],
    );
    const after = await runTask({ name: 't', resource: planned(plan) }, { state: null }, taskRun(true, true));
    assert.deepEqual([after.result.status, after.result.afterEarlierChanges], ['changed', true]);
    assert.equal(after.result.roundTrips, 0);
  });

  it('refuses a plan whose actions and lines disagree, as a bug in the resource', async () => {
    const { result, error } = await runTask(
      { name: 't', resource: planned({ actions: [], changes: ['something'] }) },
      { state: null },
      taskRun(false),
    );
    assert.equal(result.status, 'failed');
    assert.match(
      result.message!,
      /fixed it: the plan has 0 action\(s\) but 1 change line\(s\); this is a bug/,
    );
    assert.equal(error?.code, 'TASK_FAILED');
  });

  it('reports a probe’s error as the task’s failure, or as ignored with ignoreErrors', async () => {
    const resource = planned({ actions: [], changes: [] });
    const failed = await runTask(
      { name: 't', resource },
      { error: new Error('no s3cret here') },
      taskRun(false),
    );
    assert.deepEqual([failed.result.status, failed.result.message], ['failed', 'no ******** here']);
    const ignored = await runTask(
      { name: 't', resource, ignoreErrors: true },
      { error: new Error('boom') },
      taskRun(false),
    );
    assert.deepEqual([ignored.result.ignored, ignored.error], [true, undefined]);
  });

  it('passes or fails a check; in check mode one that waits for an earlier change passes after one', async () => {
    const check = (passed: boolean): Check<null> => ({
      kind: 'check',
      id: 'c',
      probe: () => ({ script: 'true', parse: () => null }),
      verify: () =>
        passed
          ? { passed, message: 'fine' }
          : { passed, message: 'docker is missing', needsEarlierChanges: 'docker' },
    });
    const pass = await runTask({ name: 'c', resource: check(true) }, { state: null }, taskRun(false));
    assert.deepEqual([pass.result.status, pass.result.message], ['ok', 'fine']);
    const fail = await runTask({ name: 'c', resource: check(false) }, { state: null }, taskRun(false));
    assert.deepEqual(
      [fail.result.status, fail.result.message, fail.error?.code],
      ['failed', 'docker is missing', 'TASK_FAILED'],
    );
    const waits = await runTask({ name: 'c', resource: check(false) }, { state: null }, taskRun(true, true));
    assert.deepEqual([waits.result.status, waits.result.afterEarlierChanges], ['ok', true]);
  });
});
