import {
  confirmLogin,
  guardFolder,
  loginSessionScript,
  parseKeyValues,
  parseLoginSession,
  planConfirm,
  sh,
  type Resource,
  type RollbackGuard,
} from '../../lib/index.js';

export interface ConfirmSshdAccessOptions {
  guard: RollbackGuard;
  /** The ports sshd listens on after the change; Bosun logs in on the first. */
  ports: number[];
  /** The port the control machine reaches the first port on, when NAT maps it to another number. */
  confirmPort?: number;
}

export interface ConfirmSshdAccessState {
  /** The host-side port of the current session (undefined without an SSH session). */
  sessionPort?: number;
  armed: boolean;
}

/**
 * The port for the fresh login: none (the current connection's settings) when the session already came in
 * on the first configured port, which also holds behind NAT; otherwise that port (or confirmPort).
 */
export function confirmLoginPort(
  options: ConfirmSshdAccessOptions,
  sessionPort: number | undefined,
): number | undefined {
  const target = options.ports[0];
  if (sessionPort === target) return undefined;
  return options.confirmPort ?? target;
}

/**
 * Handler that confirms the sshd change with a fresh login as the same user and key (confirmAccess):
 * on the first configured port when the session is on another one, so the run, and the next run, move
 * there. Check mode predicts the login: being notified means a real run would have armed the guard.
 */
export function confirmSshdAccess(options: ConfirmSshdAccessOptions): Resource<ConfirmSshdAccessState> {
  return {
    kind: 'confirm-access',
    id: options.guard.id,
    probe: (ctx) => ({
      script: `${loginSessionScript}\n${sh`if [ -d ${guardFolder(options.guard)} ]; then echo armed=1; fi`}`,
      parse: (result) => parseConfirmState(result.stdout, ctx.check),
    }),
    plan: (current) => planConfirm(current.armed, confirmLoginPort(options, current.sessionPort)),
    execute: (ctx, action) => confirmLogin(ctx, { guard: options.guard, what: 'sshd configuration' }, action),
  };
}

/** The session's port and whether the guard is armed (always, in check mode), from what the probe printed. */
export function parseConfirmState(output: string, check: boolean): ConfirmSshdAccessState {
  const values = parseKeyValues(output);
  return {
    sessionPort: parseLoginSession(values)?.port,
    armed: values.get('armed') === '1' || check,
  };
}
