import { Option, type Command } from 'commander';
import type { InventoryHost } from '../inventory/inventory.js';
import type { KnownHostsPolicy } from '../transport/known-hosts.js';
import { connect } from '../transport/connect.js';
import type { Transport } from '../transport/transport.js';
import { secret } from '../secrets/index.js';

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
    .option('--timeout <seconds>', 'SSH connect timeout in seconds', (value) => Number(value), 15);
}

/** The connect function the engine uses, bound to the command line's flags. */
export function connectWith(
  flags: ConnectionFlags,
  onWarning: (message: string) => void,
): (host: InventoryHost, extra?: { trustedHostKey?: Buffer }) => Promise<Transport> {
  if (flags.knownHosts === 'off')
    onWarning('host keys are NOT verified (--known-hosts off): connections can be intercepted');
  return (host, extra) =>
    connect(host, {
      ...extra,
      knownHostsPolicy: flags.knownHosts,
      knownHostsFile: flags.knownHostsFile,
      connectTimeoutMs: flags.timeout * 1000,
      resolveSecret: secret,
      onWarning,
    });
}
