import assert from 'node:assert/strict';
import type { RunResult, TaskResult } from '../engine/results.js';
import { comparePrediction, taskKey } from './prediction.js';

const result = (task: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult => ({
  host: 'web1',
  play: 'demo',
  task,
  resource: { kind: 'file', id: task },
  status,
  changes: [],
  durationMs: 1,
  roundTrips: 1,
  ...extra,
});
const run = (tasks: TaskResult[], check = false): RunResult => ({
  playbook: 'demo',
  check,
  diff: false,
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 1,
  hosts: [],
  tasks,
});

describe('check-versus-converge prediction', () => {
  it('names a task by host, play, role and handler', () => {
    assert.equal(taskKey(result('motd', 'ok')), 'web1 | demo | motd');
    assert.equal(
      taskKey(result('reload', 'ok', { role: 'nginx', handler: true })),
      'web1 | demo / nginx | reload (handler)',
    );
  });

  it('is exact when the same tasks changed', () => {
    const check = run(
      [result('motd', 'changed'), result('pkg', 'ok'), result('reload', 'changed', { handler: true })],
      true,
    );
    const converge = run([
      result('motd', 'changed'),
      result('pkg', 'ok'),
      result('reload', 'changed', { handler: true }),
    ]);
    assert.deepEqual(comparePrediction(check, converge), { missed: [], unexpected: [], conditional: [] });
  });

  it('reports a change check did not predict, and a predicted change that did not happen', () => {
    const check = run([result('motd', 'ok'), result('pkg', 'changed')], true);
    const converge = run([result('motd', 'changed'), result('pkg', 'ok')]);
    assert.deepEqual(comparePrediction(check, converge), {
      missed: ['web1 | demo | motd'],
      unexpected: ['web1 | demo | pkg'],
      conditional: [],
    });
  });

  it('tells the same task on two hosts apart', () => {
    const check = run([result('motd', 'changed'), result('motd', 'ok', { host: 'web2' })], true);
    const converge = run([result('motd', 'changed'), result('motd', 'changed', { host: 'web2' })]);
    assert.deepEqual(comparePrediction(check, converge).missed, ['web2 | demo | motd']);
  });

  it('accepts a prediction made after earlier changes that the real run found done, and lists it', () => {
    const check = run(
      [result('pkg', 'changed'), result('service', 'changed', { afterEarlierChanges: true })],
      true,
    );
    const converge = run([result('pkg', 'changed'), result('service', 'ok')]);
    assert.deepEqual(comparePrediction(check, converge), {
      missed: [],
      unexpected: [],
      conditional: ['web1 | demo | service'],
    });
  });
});
