import { pendingHandlersFolder, type Facts } from '../facts/facts.js';
import { sh } from '../transport/shell.js';
import type { Transport } from '../transport/transport.js';

// Notified handlers are recorded on the host until they have run, so a restart owed by a run that failed
// later is not lost: the next run finds the marker (listed with the facts) and runs the handler at the end
// of the role.

export interface HandlerKey {
  role: string;
  handler: string;
}

const markerName = (key: HandlerKey) =>
  Buffer.from(JSON.stringify([key.role, key.handler])).toString('base64url');

/** The handlers an earlier run owes, from the markers the facts listed (read in the same round trip). */
export function pendingHandlers(facts: Facts): HandlerKey[] {
  return facts.pendingHandlerMarkers.flatMap((name) => {
    try {
      const [role, handler] = JSON.parse(Buffer.from(name, 'base64url').toString()) as [string, string];
      return [{ role, handler }];
    } catch {
      return [];
    }
  });
}

export async function recordPendingHandlers(transport: Transport, keys: HandlerKey[]): Promise<void> {
  if (keys.length === 0) return;
  const result = await transport.exec(
    sh`mkdir -p ${pendingHandlersFolder} && cd ${pendingHandlersFolder} && touch ${keys.map(markerName)}`
      .text,
  );
  if (result.code !== 0)
    throw new Error(`cannot record pending handlers in ${pendingHandlersFolder}: ${result.stderr.trim()}`);
}

export async function clearPendingHandler(transport: Transport, key: HandlerKey): Promise<void> {
  await transport.exec(sh`rm -f ${`${pendingHandlersFolder}/${markerName(key)}`}`.text);
}
