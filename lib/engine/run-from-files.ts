import { OptionsError } from '../errors.js';
import type { InventoryHost } from '../inventory/inventory.js';
import { loadInventory } from '../inventory/index.js';
import { loadEnvFile, redact, secret } from '../secrets/index.js';
import { connect } from '../transport/connect.js';
import type { KnownHostsPolicy } from '../transport/known-hosts.js';
import type { Transport } from '../transport/transport.js';
import { parseExtraVars } from './extra-vars.js';
import { loadPlaybook } from './load-playbook.js';
import type { Playbook } from './playbook.js';
import type { Reporter, RunResult } from './results.js';
import { runPlaybook, type RunOptions } from './run-playbook.js';

/** How the run reaches its hosts: what the command line's connection flags set. */
export interface HostConnectionOptions {
  /** Unset: ~/.ssh/config's StrictHostKeyChecking decides, else strict. */
  knownHostsPolicy?: KnownHostsPolicy;
  /** Default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** SSH connect timeout; default the transport's. */
  connectTimeoutMs?: number;
}

export interface RunFromFilesOptions extends Pick<
  RunOptions,
  'limit' | 'check' | 'diff' | 'tags' | 'skipTags' | 'forks'
> {
  /** The playbook file (a `.ts` file's default export), or a playbook already built. */
  playbook: string | Playbook;
  /** Inventory files or folders. */
  inventory: string[];
  /** `-e` values as written on the command line (`key=value`, `@file.yml`, JSON), or already parsed. */
  extraVars?: string[] | Record<string, unknown>;
  /** dotenv files of secrets, read before anything else. */
  envFiles?: string[];
  connection?: HostConnectionOptions;
  /** Makes the reporter once every input is loaded, so an invalid input prints its error and nothing else. */
  reporter: () => Reporter | Promise<Reporter>;
}

/**
 * One run as `bosun run` does it, for the CLI and the in-process test harness alike: checks the numeric
 * options, reads the secrets, loads the inventory, the `-e` variables and the playbook, then runs it (the
 * engine selects each play's hosts and validates them before it connects to any), one connection per host.
 */
export async function runFromFiles(options: RunFromFilesOptions): Promise<RunResult> {
  const { playbook, inventory, extraVars, envFiles = [], connection = {}, reporter, ...runOptions } = options;
  assertPositive('forks', runOptions.forks, { integer: true });
  assertPositive('the connect timeout (ms)', connection.connectTimeoutMs, { integer: false });
  for (const file of envFiles) await loadEnvFile(file);
  const loadedInventory = await loadInventory(inventory);
  const vars = Array.isArray(extraVars) ? await parseExtraVars(extraVars) : (extraVars ?? {});
  const loadedPlaybook = typeof playbook === 'string' ? await loadPlaybook(playbook) : playbook;
  const report = await reporter();
  return runPlaybook(loadedPlaybook, {
    ...runOptions,
    inventory: loadedInventory,
    extraVars: vars,
    reporter: report,
    redact,
    connect: hostConnector(connection, (message) => report.warn(message)),
  });
}

/** Opens a host's connection with these options; secrets (the sudo password) come from the secret store. */
export function hostConnector(
  options: HostConnectionOptions,
  onWarning: (message: string) => void,
): (host: InventoryHost, extra?: { trustedHostKey?: Buffer }) => Promise<Transport> {
  if (options.knownHostsPolicy === 'off')
    onWarning('host keys are NOT verified (--known-hosts off): connections can be intercepted');
  return (host, extra) => connect(host, { ...extra, ...options, resolveSecret: secret, onWarning });
}

function assertPositive(name: string, value: number | undefined, { integer }: { integer: boolean }): void {
  if (value === undefined || (value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value))))
    return;
  throw new OptionsError(
    'OPTION_INVALID',
    `${name} must be ${integer ? 'a whole number of 1 or more' : 'a number above 0'}, got ${value}`,
  );
}
