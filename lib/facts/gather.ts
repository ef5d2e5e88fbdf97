import { TaskError } from '../errors.js';
import type { Transport } from '../transport/transport.js';
import type { Facts } from './facts.js';
import { factsScript } from './facts-script.js';
import { parseFacts } from './parse-facts.js';

/** Gathers a host's facts in one round trip. With become on, `user` and `isRoot` describe the elevated shell. */
export async function gatherFacts(transport: Transport): Promise<Facts> {
  const result = await transport.exec(factsScript);
  if (result.code !== 0 || !result.stdout.includes('uid=')) {
    throw new TaskError(
      'FACTS_FAILED',
      `${transport.hostName}: gathering facts failed (exit ${result.code}): ${result.stderr.trim() || 'no output'}. ` +
        'The facts script needs a POSIX sh on the host; with become, check that sudo works for the login user.',
    );
  }
  return parseFacts(result.stdout);
}
