import { readFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { ENV_NAME, parseEnvFile } from './env-file.js';
import { redactor as processRedactor, type Redactor } from './redactor.js';

export interface SecretStoreOptions {
  /** The process environment, consulted first. */
  env?: Record<string, string | undefined>;
  /** Where resolved values are registered so that no output shows them. */
  redactor?: Redactor;
}

/**
 * Resolves secrets by name. A value comes from the process environment first, then from the env files
 * loaded with `loadEnvFile` (a later file overrides an earlier one): the same precedence as Docker
 * Compose and dotenv, so `DB_PASSWORD=... bosun run --env-file prod.env` overrides the file for one run.
 * An empty value counts as not provided: no secret is empty, and an empty one could not be redacted.
 */
export class SecretStore {
  readonly #env: Record<string, string | undefined>;
  readonly #redactor: Redactor;
  readonly #fileValues = new Map<string, string>();
  readonly #files: string[] = [];

  constructor(options: SecretStoreOptions = {}) {
    this.#env = options.env ?? process.env;
    this.#redactor = options.redactor ?? processRedactor;
  }

  /** Reads a dotenv file; returns the names it defines. Values are registered only when used. */
  loadEnvFile(path: string): string[] {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new OptionsError(
        'ENV_FILE_UNREADABLE',
        `Cannot read env file ${path} (${reason}). Check the path given to --env-file.`,
        { cause: error },
      );
    }
    const values = parseEnvFile(text, path);
    for (const [name, value] of values) this.#fileValues.set(name, value);
    this.#files.push(path);
    return [...values.keys()];
  }

  has(name: string): boolean {
    return this.#lookup(name) !== undefined;
  }

  /** The value of a secret, registered with the redactor; throws SECRET_MISSING when it is not provided. */
  secret(name: string): string {
    const value = this.#lookup(name);
    if (value === undefined) throw this.#missing([name]);
    this.#redactor.add(value);
    return value;
  }

  /** Checks up front that every named secret is provided, reporting all missing names in one error. */
  requireSecrets(names: readonly string[]): void {
    const missing = names.filter((name) => this.#lookup(name) === undefined);
    if (missing.length > 0) throw this.#missing([...new Set(missing)]);
  }

  #lookup(name: string): string | undefined {
    if (!ENV_NAME.test(name)) {
      throw new OptionsError(
        'SECRET_NAME_INVALID',
        `"${name}" is not a valid secret name: use letters, digits and _, not starting with a digit (e.g. DB_PASSWORD).`,
      );
    }
    for (const value of [this.#env[name], this.#fileValues.get(name)]) if (value) return value;
    return undefined;
  }

  #missing(names: string[]): OptionsError {
    const files = this.#files.length > 0 ? ` (env files read: ${this.#files.join(', ')})` : '';
    const [first] = names;
    const what = names.length === 1 ? `Secret ${first} is not set` : `Secrets not set: ${names.join(', ')}`;
    return new OptionsError(
      'SECRET_MISSING',
      `${what}${files}. Provide ${names.length === 1 ? 'it' : 'each'} in the environment ` +
        `(export ${first}=...) or in an env file passed with --env-file (a line ${first}=...); ` +
        'an empty value counts as not set.',
    );
  }
}

/** The process-wide store: the CLI loads --env-file into it, playbooks and roles read from it. */
// Shared across module copies for the same reason as the redactor: env files loaded by the CLI must be
// visible to `secret()` calls in a playbook that imported another copy of Bosun.
const globalKey = Symbol.for('bosun.secretStore');
export const secretStore: SecretStore =
  ((globalThis as Record<symbol, unknown>)[globalKey] as SecretStore | undefined) ??
  ((globalThis as Record<symbol, unknown>)[globalKey] = new SecretStore());
