import { coreFacts } from '../facts/core-facts.js';
import { defineFact, gatherFactValues, type FactDefinition } from '../facts/define-fact.js';
import type { Facts } from '../facts/facts.js';
import type { Transport } from '../transport/transport.js';
import type { HostSession } from './host-session.js';
import { listPendingHandlers, parsePendingHandlers, type HandlerKey } from './pending-handlers.js';

// Read with the facts, in the same round trip, but kept apart: it is the engine's bookkeeping.
const pendingHandlersList = defineFact<HandlerKey[]>({
  name: 'pending handlers',
  script: listPendingHandlers.script,
  parse: parsePendingHandlers,
});

/**
 * Makes sure the host's core facts and `wanted` are known, gathering the missing ones in one round trip
 * (with the pending-handler markers the first time). Facts are cached per host and `become`, and forgotten
 * when a task changes the host (`HostSession.forgetFacts`).
 */
export async function hostFacts(
  session: HostSession,
  transport: Transport,
  become: boolean | undefined,
  wanted: FactDefinition<unknown>[],
): Promise<{ facts: Facts; known: [FactDefinition<unknown>, unknown][] }> {
  const cache = session.factCache(become);
  const missing = [...new Set([coreFacts, ...wanted])].filter((fact) => !cache.has(fact));
  const readMarkers = session.pendingHandlers === undefined;
  if (missing.length > 0 || readMarkers) {
    const values = await gatherFactValues(transport, [
      ...missing,
      ...(readMarkers ? [pendingHandlersList] : []),
    ]);
    for (const fact of missing) cache.set(fact, values.get(fact));
    if (readMarkers) session.pendingHandlers = values.get(pendingHandlersList) as HandlerKey[];
  }
  return { facts: cache.get(coreFacts) as Facts, known: wanted.map((fact) => [fact, cache.get(fact)]) };
}
