import type { Facts } from '../facts/facts.js';
import type { ExecResult, Transport } from '../transport/transport.js';
import type { Action, CustomAction } from './actions.js';

/** What a resource's probe, plan and execute may use on one host. */
export interface ResourceContext {
  readonly transport: Transport;
  readonly facts: Facts;
  /** Check mode: probe and plan only. Nothing is executed; probes must not write either. */
  readonly check: boolean;
  /** `--diff` was asked for: probes fetch old contents only then (a digest tells whether they differ). */
  readonly diff: boolean;
  /**
   * Logs in to the host afresh with changed connection settings (a new SSH port), as the next run would.
   * On success the engine moves the host's connection to it for the rest of the run; on failure it throws
   * and the current connection stays. Safety guards use it to prove that access survives a change.
   */
  reconnect(settings: { port?: number }): Promise<Transport>;
}

/**
 * A read-only shell script and the parser of what it printed. The engine sends the probes of a role's tasks
 * together in one round trip, so a probe must not depend on another task's probe.
 */
export interface Probe<State> {
  /** POSIX sh, run as the play's user (with become when the play has it); must not change the host. */
  script: string;
  /** Environment of the script: how values reach it without being quoted into its text. */
  env?: Record<string, string>;
  /** Parses the script's output; throws a BosunError when the state cannot be read. */
  parse(result: ExecResult): State;
  /**
   * A second read that depends on the first answer (testing a configuration built from what the script
   * read, say): it resolves at once when the parsed state needs nothing more, so a no-op run stays batched.
   */
  followUp?(state: State): Promise<State>;
}

/**
 * The plan of one resource: what the host needs, as data. Empty `actions` means the host is already as
 * desired. Produced by a pure function of the probed state, so it can be unit-tested with fixtures: the
 * engine executes exactly these actions and derives nothing else.
 */
export interface Plan {
  /** What runs on the host, in order. */
  actions: Action[];
  /** One short line per change, e.g. 'mode 0600 → 0644', 'install nginx'; empty exactly when actions are. */
  changes: string[];
  /** A unified diff of content changes (files), shown with --diff. Secrets are redacted by the output layer. */
  diff?: string;
  /**
   * The probe found a precondition missing (a unit or command that an earlier task installs).
   * In check mode the result reads "would change (after earlier changes)" when earlier tasks change
   * something, and fails otherwise; in a real run the actions find the precondition met or fail.
   */
  needsEarlierChanges?: string;
  /** A short note shown with the task's result, changed or not (what a verification found, a version). */
  message?: string;
}

/**
 * An idempotent primitive (Ansible's module, pyinfra's operation) in three steps: probe reads the state
 * (a script the engine batches with the role's other probes, or a function for states that take several
 * steps to read), plan compares it with the desired state (pure) and returns the actions, the engine
 * executes them.
 */
export interface Resource<State = unknown> {
  /** 'file', 'apt', 'service', ... */
  readonly kind: string;
  /** What the resource manages, e.g. '/etc/motd' or 'nginx'. */
  readonly id: string;
  probe(ctx: ResourceContext): Probe<State> | Promise<State>;
  plan(current: State): Plan;
  /**
   * As a handler, the resource only restarts or reloads this systemd unit: it is not needed when the run
   * started or restarted the unit after the change that notified it.
   */
  readonly refreshes?: string;
  /** Runs the resource's own custom actions (see `custom`); the engine runs the common ones. */
  execute?(ctx: ResourceContext, action: CustomAction): Promise<void>;
}

/**
 * A precondition as its own kind of task: probe the host, then pass or fail with a message. It never
 * changes anything (Ansible's `assert`, with a probe of its own).
 */
export interface Check<State = unknown> {
  readonly kind: string;
  readonly id: string;
  probe(ctx: ResourceContext): Probe<State> | Promise<State>;
  verify(current: State, ctx: ResourceContext): Verdict;
}

/**
 * `passed: false` fails the task with the message. `needsEarlierChanges` (check mode): what the check
 * looks at is installed by an earlier task, so it cannot be judged yet.
 */
export type Verdict =
  { passed: true; message?: string } | { passed: false; message: string; needsEarlierChanges?: string };

export const isChange = (plan: Plan): boolean => plan.changes.length > 0;

export const isCheck = (step: Resource | Check): step is Check => 'verify' in step;

export const isProbe = <State>(probe: Probe<State> | Promise<State>): probe is Probe<State> =>
  typeof (probe as Probe<State>).script === 'string';

/** A plan that changes nothing. */
export const noChange = (message?: string): Plan => ({
  actions: [],
  changes: [],
  ...(message === undefined ? {} : { message }),
});

/** A probe whose state derives from another one: a script probe stays a script, so it is still batched. */
export function mapProbe<A, B>(probe: Probe<A> | Promise<A>, map: (state: A) => B): Probe<B> | Promise<B> {
  if (!isProbe(probe)) return probe.then(map);
  if (probe.followUp) throw new TypeError('mapProbe: a probe with a follow-up cannot be mapped');
  return { script: probe.script, env: probe.env, parse: (result) => map(probe.parse(result)) };
}
