import { OptionsError } from '../errors.js';
import type { InventoryHost } from '../inventory/inventory.js';
import { LocalTransport } from './local-transport.js';
import { parseProxyJump } from './proxy-jump.js';
import type { BecomeSettings } from './shell-transport.js';
import { SshConfig } from './ssh-config.js';
import { resolveEndpoint, type EndpointOverrides } from './ssh-endpoint.js';
import { SshTransport } from './ssh-transport.js';
import type { Transport } from './transport.js';

/** Connection settings that come from the command line rather than the inventory. */
export interface ConnectOptions extends EndpointOverrides {
  /** ssh_config file to read; default ~/.ssh/config (skipped when missing). A file named here must exist. */
  sshConfigFile?: string;
  /** Resolves a secret by name (the sudo password); registered with the redactor by the caller. */
  resolveSecret?: (name: string) => string;
  /** Receives warnings to show the user (host key checking off); the transport never prints. */
  onWarning?: (message: string) => void;
  /** The key the host proved on the run's current connection, when the run moves it to a new port. */
  trustedHostKey?: Buffer;
}

/**
 * Opens the one connection Bosun keeps to a host for a whole run: the control machine itself for
 * `connection: local`, otherwise SSH, through the ProxyJump hops of `bosun_proxy_jump` or the ssh config.
 */
export async function connect(host: InventoryHost, options: ConnectOptions = {}): Promise<Transport> {
  const settings = host.connection;
  const become = becomeSettings(host, options);
  if (settings.connection === 'local') return new LocalTransport(host.name, become);

  const sshConfig = await SshConfig.load(options.sshConfigFile);
  const target = await resolveEndpoint(
    {
      name: host.name,
      address: settings.address,
      port: settings.port,
      user: settings.user,
      privateKeyFile: settings.privateKeyFile,
      privateKeySource: 'bosun_private_key_file',
    },
    sshConfig,
    options,
  );
  const fromInventory = proxyJumpVar(host);
  const proxyJump = fromInventory ?? target.proxyJump;
  const source = `${host.name}: ${fromInventory ? 'bosun_proxy_jump' : `ProxyJump in ${sshConfig.file}`}`;
  const jumps = [];
  for (const hop of proxyJump ? parseProxyJump(proxyJump, source) : []) {
    const jump = await resolveEndpoint(
      {
        name: `${host.name}'s jump host ${hop.spec}`,
        address: hop.host,
        port: hop.port,
        user: hop.user,
        // The usual case is one key for the bastion and the hosts behind it.
        fallbackKey: target.endpoint.privateKey,
      },
      sshConfig,
      options,
    );
    jumps.push(jump.endpoint);
  }
  return SshTransport.connect({
    hostName: host.name,
    target: { ...target.endpoint, trustedHostKey: options.trustedHostKey },
    jumps,
    become,
    onWarning: options.onWarning,
  });
}

function becomeSettings(host: InventoryHost, options: ConnectOptions): BecomeSettings {
  const secret = host.connection.becomePasswordSecret;
  if (secret === undefined) return { enabled: host.connection.become };
  if (!options.resolveSecret) {
    throw new OptionsError(
      'BECOME_SECRET_UNAVAILABLE',
      `${host.name}: the sudo password is the secret "${secret}", but no secret source was given to connect().`,
    );
  }
  return { enabled: host.connection.become, password: { secret, value: options.resolveSecret(secret) } };
}

function proxyJumpVar(host: InventoryHost): string | undefined {
  const value = host.vars.bosun_proxy_jump;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new OptionsError(
      'PROXY_JUMP_INVALID',
      `${host.name}: bosun_proxy_jump must be a string such as "user@bastion:22", not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
