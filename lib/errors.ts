/** Exit codes follow Ansible's, which users' scripts already know. */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  parseError: 4,
  badOptions: 5,
  /** `--check --detailed-exitcode`: the run succeeded and changes are pending. */
  changesPending: 6,
  interrupted: 99,
  unexpected: 250,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every error Bosun raises on purpose: a stable code, a message a user can act on
 * (what, where, how to fix), and the process exit code it maps to.
 */
export class BosunError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCode.error,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad inventory, playbook or variables file: exit 4. */
export class ParseError extends BosunError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.parseError, options);
  }
}

/** Bad or incomplete options, unknown role variables, missing secrets: exit 5. */
export class OptionsError extends BosunError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.badOptions, options);
  }
}

/** The host could not be reached or authenticated (including a refused host key): exit 3. */
export class UnreachableError extends BosunError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.hostUnreachable, options);
  }
}

/** A task failed on a reachable host: exit 2. */
export class TaskError extends BosunError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.hostFailed, options);
  }
}
