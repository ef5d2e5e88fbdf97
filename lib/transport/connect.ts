import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { InventoryHost } from '../inventory/inventory.js';
import type { KnownHostsPolicy } from './known-hosts.js';
import { SshTransport } from './ssh-transport.js';
import type { Transport } from './transport.js';

/** Connection settings that come from the command line rather than the inventory. */
export interface ConnectOptions {
  knownHostsPolicy: KnownHostsPolicy;
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Resolves a secret by name (the sudo password); registered with the redactor by the caller. */
  resolveSecret?: (name: string) => string;
}

/** Opens the one connection Bosun keeps to a host for a whole run. */
export async function connect(host: InventoryHost, options: ConnectOptions): Promise<Transport> {
  const settings = host.connection;
  return SshTransport.connect({
    hostName: host.name,
    address: settings.address,
    port: settings.port ?? 22,
    user: settings.user ?? process.env.USER ?? 'root',
    privateKey: settings.privateKeyFile ? await readFile(settings.privateKeyFile, 'utf8') : undefined,
    agent: process.env.SSH_AUTH_SOCK,
    knownHostsFile: options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
    knownHostsPolicy: options.knownHostsPolicy,
    become: settings.become,
    becomePassword: settings.becomePasswordSecret
      ? options.resolveSecret?.(settings.becomePasswordSecret)
      : undefined,
    connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
  });
}
