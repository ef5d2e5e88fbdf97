import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { UnreachableError } from '../errors.js';
import type { KnownHostsPolicy } from './known-hosts.js';
import type { SshConfig } from './ssh-config.js';

/** One machine to open an SSH connection to (the target or a jump host), every setting resolved. */
export interface SshEndpoint {
  /** Who this is in messages: the inventory name, or "NAME's jump host HOP". */
  name: string;
  address: string;
  port: number;
  user: string;
  /** The key offered first; messages name its file, never its content. */
  privateKey?: { file: string; text: string };
  /** SSH agent socket (SSH_AUTH_SOCK), tried after the key. */
  agent?: string;
  knownHostsFile: string;
  knownHostsPolicy: KnownHostsPolicy;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /**
   * A key the host already proved over another verified connection (the run moving it to a new SSH port):
   * accepted where known_hosts has no entry for this address and port yet, then recorded there.
   */
  trustedHostKey?: Buffer;
}

/** Settings the command line may fix for every host; they win over the ssh config. */
export interface EndpointOverrides {
  /** Host key policy set explicitly (`--known-hosts`); otherwise StrictHostKeyChecking, else strict. */
  knownHostsPolicy?: KnownHostsPolicy;
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export interface EndpointRequest {
  name: string;
  /** The name given to ssh: matched against the ssh config's `Host` patterns; its HostName replaces it. */
  address: string;
  /** Values the inventory (or the ProxyJump hop) fixed: they win over the ssh config. */
  port?: number;
  user?: string;
  privateKeyFile?: string;
  /** Where privateKeyFile was set (e.g. `bosun_private_key_file`), for the error when it is unusable. */
  privateKeySource?: string;
  /** Key offered when neither the request nor the ssh config names a usable one. */
  fallbackKey?: SshEndpoint['privateKey'];
}

const defaultIdentities = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * Resolves one endpoint: inventory values, then the ssh config, then the command line's or built-in defaults
 * (the command line wins over the ssh config for the host key policy, known_hosts file and timeouts).
 * Also returns the ssh config's ProxyJump for the caller to decide on.
 */
export async function resolveEndpoint(
  request: EndpointRequest,
  sshConfig: SshConfig,
  overrides: EndpointOverrides,
): Promise<{ endpoint: SshEndpoint; proxyJump?: string }> {
  const config = sshConfig.lookup(request.address, { user: request.user, port: request.port });
  const agent = process.env.SSH_AUTH_SOCK || undefined;
  let privateKey = request.privateKeyFile
    ? await readKey(request.privateKeyFile, (reason) => {
        throw new UnreachableError(
          'SSH_KEY_FILE_UNUSABLE',
          `${request.name}: the private key ${request.privateKeyFile} (${request.privateKeySource ?? 'private key file'}) ${reason}. ` +
            'Fix the path, or leave it unset to use the ssh config, the SSH agent or ~/.ssh/id_*.',
        );
      })
    : await firstUsableKey(config.identityFiles);
  privateKey ??= request.fallbackKey;
  // As ssh does without any IdentityFile; with an agent, its keys are what the user chose.
  if (!privateKey && !agent) {
    privateKey = await firstUsableKey(defaultIdentities.map((file) => join(homedir(), '.ssh', file)));
  }
  return {
    endpoint: {
      name: request.name,
      address: config.hostName ?? request.address,
      port: request.port ?? config.port ?? 22,
      user: request.user ?? config.user ?? userInfo().username,
      privateKey,
      agent,
      knownHostsFile:
        overrides.knownHostsFile ?? config.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
      knownHostsPolicy: overrides.knownHostsPolicy ?? config.knownHostsPolicy ?? 'strict',
      connectTimeoutMs: overrides.connectTimeoutMs ?? config.connectTimeoutMs ?? 15_000,
      keepaliveIntervalMs: overrides.keepaliveIntervalMs ?? config.keepaliveIntervalMs ?? 15_000,
    },
    proxyJump: config.proxyJump,
  };
}

/** The first key file that exists and can be used without a passphrase (an encrypted key belongs in the agent). */
async function firstUsableKey(files: string[]): Promise<SshEndpoint['privateKey']> {
  for (const file of files) {
    const key = await readKey(file, () => undefined);
    if (key) return key;
  }
  return undefined;
}

async function readKey(
  file: string,
  unusable: (reason: string) => undefined,
): Promise<SshEndpoint['privateKey']> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unusable(code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`);
  }
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    return unusable(
      /passphrase/.test(parsed.message)
        ? 'is encrypted: Bosun never asks for passphrases; add it to the SSH agent (ssh-add) instead'
        : `is not a private key Bosun can use (${parsed.message})`,
    );
  }
  return { file, text };
}
