import type { RunResult, TaskResult } from '../engine/results.js';

/** Names one task on one host across runs: host, play, role, task, and whether it ran as a handler. */
export function taskKey(result: TaskResult): string {
  const where = result.role ? `${result.play} / ${result.role}` : result.play;
  return `${result.host} | ${where} | ${result.task}${result.handler ? ' (handler)' : ''}`;
}

export interface PredictionCheck {
  /** Changed by the real run, but the check run did not say it would. */
  missed: string[];
  /** The check run said it would change (unconditionally), the real run left it as it was. */
  unexpected: string[];
  /**
   * Predicted "would change (after earlier changes)" and found already done by the real run, e.g. a
   * service that its package's install script started: a conditional prediction, not a wrong one.
   */
  conditional: string[];
}

/**
 * Compares the (host, task) pairs a check run reported as changed with those the real run changed.
 * The prediction is exact when `missed` and `unexpected` are both empty.
 */
export function comparePrediction(check: RunResult, converge: RunResult): PredictionCheck {
  const changed = (run: RunResult) => run.tasks.filter((result) => result.status === 'changed');
  const predicted = new Map(changed(check).map((result) => [taskKey(result), result]));
  const happened = new Set(changed(converge).map(taskKey));
  const notHappened = [...predicted.values()].filter((result) => !happened.has(taskKey(result)));
  return {
    missed: [...happened].filter((key) => !predicted.has(key)).sort(),
    unexpected: notHappened
      .filter((result) => !result.afterEarlierChanges)
      .map(taskKey)
      .sort(),
    conditional: notHappened
      .filter((result) => result.afterEarlierChanges)
      .map(taskKey)
      .sort(),
  };
}
