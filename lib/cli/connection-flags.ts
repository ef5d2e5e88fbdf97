import { Option, type Command } from 'commander';
import type { HostConnectionOptions } from '../engine/run-from-files.js';
import type { KnownHostsPolicy } from '../transport/known-hosts.js';
import { positiveNumber } from './option-parsers.js';

export interface ConnectionFlags {
  /** Unset: ~/.ssh/config's StrictHostKeyChecking decides, else strict. */
  knownHosts?: KnownHostsPolicy;
  knownHostsFile?: string;
  timeout: number;
}

/** The connection options every command that reaches hosts takes. */
export function addConnectionFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--known-hosts <policy>',
        'host key policy: strict refuses unknown and changed keys (default: ~/.ssh/config, else strict)',
      ).choices(['strict', 'accept-new', 'off']),
    )
    .option('--known-hosts-file <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--timeout <seconds>', 'SSH connect timeout in seconds', positiveNumber, 15);
}

/** What the connection flags ask of the transport. */
export function connectionOptions(flags: ConnectionFlags): HostConnectionOptions {
  return {
    knownHostsPolicy: flags.knownHosts,
    knownHostsFile: flags.knownHostsFile,
    connectTimeoutMs: flags.timeout * 1000,
  };
}

/** Warnings go to stderr, where they do not mix with the output of `bosun facts` or `bosun ping`. */
export const warnOnStderr = (message: string): void => void process.stderr.write(`warning: ${message}\n`);
