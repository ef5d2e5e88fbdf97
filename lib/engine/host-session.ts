import type { Facts } from '../facts/facts.js';
import type { InventoryHost } from '../inventory/inventory.js';
import type { Transport } from '../transport/transport.js';
import type { HostRecap, TaskResult } from './results.js';

/** Everything the engine keeps about one host for a whole run: its one connection and its tally. */
export class HostSession {
  transport?: Transport;
  facts?: Facts;
  /** Earlier tasks changed (or would change) something: check-mode predictions may depend on it. */
  earlierChanges = false;
  /** Pending-handler markers read from the host at its first play. */
  pendingHandlers?: { role: string; handler: string }[];
  readonly recap: HostRecap;
  private readonly started = Date.now();

  constructor(readonly host: InventoryHost) {
    this.recap = {
      host: host.name,
      ok: 0,
      changed: 0,
      failed: 0,
      skipped: 0,
      ignored: 0,
      unreachable: false,
      counters: { connectionsOpened: 0, commands: 0, bytesSent: 0, bytesReceived: 0 },
      durationMs: 0,
    };
  }

  /** A failed or unreachable host takes no further part in the run. */
  get active(): boolean {
    return !this.recap.unreachable && this.recap.failure === undefined;
  }

  count(result: TaskResult): void {
    if (result.ignored) this.recap.ignored += 1;
    else this.recap[result.status] += 1;
    if (result.status === 'changed') this.earlierChanges = true;
  }

  fail(failure: NonNullable<HostRecap['failure']>, unreachable = false): void {
    this.recap.failure ??= failure;
    if (unreachable) this.recap.unreachable = true;
  }

  finish(): HostRecap {
    if (this.transport) this.recap.counters = { ...this.transport.counters };
    this.recap.durationMs = Date.now() - this.started;
    return this.recap;
  }
}
