import type { BatchScript } from '../transport/exec-many.js';
import { sh } from '../transport/shell.js';
import type { ExecResult, Transport } from '../transport/transport.js';

// Notified handlers are recorded on the host before the notifying task makes its change, and removed once
// they have run, so a restart owed by a run that died in between is not lost: the next run finds the marker
// (read together with the facts) and runs the handler at the end of the role.

/** Where Bosun keeps the markers of handlers owed by an earlier run, one empty file each. */
export const pendingHandlersFolder = '/var/lib/bosun/pending-handlers';

export interface HandlerKey {
  role: string;
  handler: string;
}

const markerName = (key: HandlerKey) =>
  Buffer.from(JSON.stringify([key.role, key.handler])).toString('base64url');

/** Lists the markers; sent in the same round trip as the facts. */
export const listPendingHandlers: BatchScript = {
  script: sh`ls -1 ${pendingHandlersFolder} 2>/dev/null; exit 0`.text,
};

export function parsePendingHandlers({ stdout }: ExecResult): HandlerKey[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .flatMap((name) => {
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

export async function clearPendingHandlers(transport: Transport, keys: HandlerKey[]): Promise<void> {
  if (keys.length === 0) return;
  const paths = keys.map((key) => `${pendingHandlersFolder}/${markerName(key)}`);
  await transport.exec(sh`rm -f ${paths}`.text);
}
