import type { Action } from '../resources/actions.js';
import type { FactDefinition } from '../facts/define-fact.js';
import type { InventoryHost } from '../inventory/inventory.js';
import type { Transport, TransportCounters } from '../transport/transport.js';
import { emptyRecap, type HostRecap, type TaskResult } from './results.js';

/** Everything the engine keeps about one host for a whole run: its one connection and its tally. */
export class HostSession {
  transport?: Transport;
  /** Facts gathered on this host, per `become` (they describe the elevated or the login shell). */
  private readonly gathered = new Map<string, Map<FactDefinition<unknown>, unknown>>();
  /** Earlier tasks changed (or would change) something: check-mode predictions may depend on it. */
  earlierChanges = false;
  /** Pending-handler markers read from the host at its first play. */
  pendingHandlers?: { role: string; handler: string }[];
  readonly recap: HostRecap;
  /** Changes counted in order, and the step at which the run (would have) started each systemd unit. */
  private steps = 0;
  private readonly unitStarts = new Map<string, { step: number; certain: boolean }>();
  private readonly started = Date.now();
  /** Counters of connections the host was moved away from (see moveTo). */
  private retired: TransportCounters = { connectionsOpened: 0, commands: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(readonly host: InventoryHost) {
    this.recap = emptyRecap(host.name);
  }

  factCache(become: boolean | undefined): Map<FactDefinition<unknown>, unknown> {
    const key = String(become);
    if (!this.gathered.has(key)) this.gathered.set(key, new Map());
    return this.gathered.get(key)!;
  }

  /**
   * Counts a change (made, or predicted in check mode) and notes the units its actions start; returns its
   * step. A check-mode prediction made after earlier changes is not certain: a package's install script may
   * start the unit first, and the real run then has nothing to start.
   */
  changed(actions: Action[] = [], certain = true): number {
    this.steps += 1;
    for (const action of actions) {
      const starts = action.kind === 'systemctl' && (action.verb === 'start' || action.verb === 'restart');
      if (starts && action.unit) this.unitStarts.set(action.unit, { step: this.steps, certain });
    }
    return this.steps;
  }

  /** Whether the run started or restarted `unit` after the given step: for certain, maybe, or not. */
  startedSince(unit: string, step: number): 'certain' | 'uncertain' | undefined {
    const start = this.unitStarts.get(unit);
    if (!start || start.step <= step) return undefined;
    return start.certain ? 'certain' : 'uncertain';
  }

  /** A change may have made any fact stale: gather them again when next needed. */
  forgetFacts(): void {
    this.gathered.clear();
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

  /** Makes a fresh connection the host's connection for the rest of the run, closing the old one. */
  async moveTo(transport: Transport): Promise<void> {
    this.retired = this.counters();
    await this.transport?.close();
    this.transport = transport;
  }

  /** Counters of every connection this host used in the run. */
  counters(): TransportCounters {
    const current = this.transport?.counters;
    return {
      connectionsOpened: this.retired.connectionsOpened + (current?.connectionsOpened ?? 0),
      commands: this.retired.commands + (current?.commands ?? 0),
      bytesSent: this.retired.bytesSent + (current?.bytesSent ?? 0),
      bytesReceived: this.retired.bytesReceived + (current?.bytesReceived ?? 0),
    };
  }

  finish(): HostRecap {
    this.recap.counters = this.counters();
    this.recap.durationMs = Date.now() - this.started;
    return this.recap;
  }
}
