import type { Transport } from '../transport/transport.js';
import { coreFacts } from './core-facts.js';
import { gatherFactValues } from './define-fact.js';
import type { Facts } from './facts.js';

/** Gathers a host's core facts in one round trip. With become on, `user` and `isRoot` describe the elevated shell. */
export async function gatherFacts(transport: Transport): Promise<Facts> {
  return (await gatherFactValues(transport, [coreFacts])).get(coreFacts) as Facts;
}
