import { TaskError } from '../errors.js';
import {
  isProbe,
  type Check,
  type Probe,
  type Resource,
  type ResourceContext,
} from '../resources/resource.js';
import { BatchCutError, execMany } from '../transport/exec-many.js';
import type { ExecResult } from '../transport/transport.js';

/** What a probe found: the state, or the error to report when its task is reached. */
export type Probed = { state: unknown } | { error: unknown };

/**
 * Probes several resources or checks: every script probe in one round trip; function probes (states that
 * take several steps to read) one after the other. A probe that fails is reported by its task, not here: an
 * earlier task may yet install what it reads, and then the task is probed again.
 */
export async function probeAll(steps: (Resource | Check)[], ctx: ResourceContext): Promise<Probed[]> {
  const results: Probed[] = [];
  const scripts: { index: number; probe: Probe<unknown> }[] = [];
  for (const [index, step] of steps.entries()) {
    try {
      const probe = step.probe(ctx);
      if (isProbe(probe)) scripts.push({ index, probe });
      else results[index] = { state: await probe };
    } catch (error) {
      results[index] = { error };
    }
  }
  let outputs: ExecResult[];
  try {
    outputs = await execMany(
      ctx.transport,
      scripts.map(({ probe }) => probe),
    );
  } catch (error) {
    if (error instanceof BatchCutError)
      throw new TaskError('PROBE_FAILED', `${ctx.transport.hostName}: ${error.message}`);
    throw error;
  }
  for (const [i, { index, probe }] of scripts.entries()) {
    try {
      const state = probe.parse(outputs[i]);
      results[index] = { state: probe.followUp ? await probe.followUp(state) : state };
    } catch (error) {
      results[index] = { error };
    }
  }
  return results;
}

/** Probes one resource or check alone: what handlers and tests use. */
export async function probeOne<State>(
  step: Resource<State> | Check<State>,
  ctx: ResourceContext,
): Promise<State> {
  const [probed] = await probeAll([step as Resource], ctx);
  if ('error' in probed) throw probed.error;
  return probed.state as State;
}
