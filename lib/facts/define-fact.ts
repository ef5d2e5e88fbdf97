import { TaskError } from '../errors.js';
import { BatchCutError, execMany } from '../transport/exec-many.js';
import type { ExecResult, Transport } from '../transport/transport.js';

/**
 * A fact: a read-only shell script and the parser of its output, typed. The core facts are gathered in a
 * host's first round trip; a role declares the other facts it reads (`facts: [sshdFact]`), and the engine
 * gathers them with the core ones, caches them per host and forgets them when a task changes the host.
 */
export interface FactDefinition<T> {
  /** Unique, for messages and the cache: 'core', 'sshd', 'compose'. */
  readonly name: string;
  /** POSIX sh; must not change the host, and should tolerate missing tools (a minimal container). */
  readonly script: string;
  parse(result: ExecResult): T;
}

export function defineFact<T>(definition: FactDefinition<T>): FactDefinition<T> {
  return definition;
}

/** The value of a fact, read by a role or resource. */
export type FactReader = <T>(fact: FactDefinition<T>) => T;

/** Gathers facts in one round trip. */
export async function gatherFactValues(
  transport: Transport,
  facts: FactDefinition<unknown>[],
): Promise<Map<FactDefinition<unknown>, unknown>> {
  let outputs: ExecResult[];
  try {
    outputs = await execMany(transport, facts);
  } catch (error) {
    if (!(error instanceof BatchCutError)) throw error;
    throw factsFailed(transport, facts.map((fact) => fact.name).join(', '), error.message);
  }
  return new Map(facts.map((fact, i) => [fact, parseFact(transport, fact, outputs[i])]));
}

function parseFact<T>(transport: Transport, fact: FactDefinition<T>, output: ExecResult): T {
  if (output.code !== 0)
    throw factsFailed(transport, fact.name, `exit ${output.code}: ${output.stderr.trim() || 'no output'}`);
  return fact.parse(output);
}

function factsFailed(transport: Transport, names: string, reason: string): TaskError {
  return new TaskError(
    'FACTS_FAILED',
    `${transport.hostName}: gathering facts (${names}) failed (${reason}). ` +
      'Facts need a POSIX sh on the host; with become, check that sudo works for the login user.',
  );
}
