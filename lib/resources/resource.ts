import type { Facts } from '../facts/facts.js';
import type { Transport } from '../transport/transport.js';

/** What a resource's probe and apply may use on one host. */
export interface ResourceContext {
  readonly transport: Transport;
  readonly facts: Facts;
  /** Check mode: probe and plan only. Apply is never called; probes must not write either. */
  readonly check: boolean;
  /**
   * Logs in to the host afresh with changed connection settings (a new SSH port), as the next run would.
   * On success the engine moves the host's connection to it for the rest of the run; on failure it throws
   * and the current connection stays. Safety guards use it to prove that access survives a change.
   */
  reconnect(settings: { port?: number }): Promise<Transport>;
}

/**
 * The plan of one resource: empty `changes` means the host is already as desired.
 * Produced by a pure function of the probed state, so it can be unit-tested with fixtures.
 */
export interface Plan {
  /** One short line per change, e.g. 'mode 0600 → 0644', 'install nginx'. */
  changes: string[];
  /** A unified diff of content changes (files), shown with --diff. Secrets are redacted by the output layer. */
  diff?: string;
  /**
   * The probe found a precondition missing (a unit or command that an earlier task installs).
   * In check mode the result reads "would change (after earlier changes)" when earlier tasks change
   * something, and fails otherwise; in a real run apply finds the precondition met or fails.
   */
  needsEarlierChanges?: string;
  /** A short note shown with the task's result, changed or not (what a verification found, a version). */
  message?: string;
}

/**
 * An idempotent primitive (Ansible's module, pyinfra's operation) in three steps:
 * probe reads the state (one round trip where possible), plan compares it with the desired state
 * (pure), apply makes the change.
 */
export interface Resource<State = unknown> {
  /** 'file', 'apt', 'service', ... */
  readonly kind: string;
  /** What the resource manages, e.g. '/etc/motd' or 'nginx'. */
  readonly id: string;
  probe(ctx: ResourceContext): Promise<State>;
  plan(current: State): Plan;
  apply(ctx: ResourceContext, current: State, plan: Plan): Promise<void>;
}

export const isChange = (plan: Plan): boolean => plan.changes.length > 0;
