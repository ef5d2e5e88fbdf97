import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { OptionsError } from '../errors.js';
import type { KnownHostsPolicy } from './known-hosts.js';

/** What ~/.ssh/config says about one host, with `~` and `%` tokens expanded. Unset keys are undefined. */
export interface SshConfigSettings {
  hostName?: string;
  user?: string;
  port?: number;
  /** Every IdentityFile, in order; the caller uses the first that exists, as ssh does. */
  identityFiles: string[];
  proxyJump?: string;
  /** The first UserKnownHostsFile: the one ssh writes to. */
  knownHostsFile?: string;
  knownHostsPolicy?: KnownHostsPolicy;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

const policies: Record<string, KnownHostsPolicy> = {
  yes: 'strict',
  // Bosun never prompts: `ask` is as strict as `yes`.
  ask: 'strict',
  'accept-new': 'accept-new',
  no: 'off',
  off: 'off',
};

/** An ssh_config file (OpenSSH's format), read with the ssh-config package. */
export class SshConfig {
  private constructor(
    readonly file: string,
    private readonly config: SSHConfig,
  ) {}

  /**
   * Reads `file`, or ~/.ssh/config when none is given. The default file may be missing (no settings); a file
   * named explicitly must exist.
   */
  static async load(file?: string): Promise<SshConfig> {
    const path = file ?? join(homedir(), '.ssh', 'config');
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && file === undefined) return '';
      throw new OptionsError(
        'SSH_CONFIG_UNREADABLE',
        `cannot read the ssh config file ${path}: ${error.message}. Fix the path given as the ssh config file.`,
        { cause: error },
      );
    });
    return new SshConfig(path, SSHConfig.parse(text));
  }

  /**
   * Settings for `host` (matched against `Host` patterns as ssh matches the name it is given). `explicit` are
   * values the inventory already fixed: tokens such as %r and %p expand to them, as ssh expands its final values.
   */
  lookup(host: string, explicit: { user?: string; port?: number } = {}): SshConfigSettings {
    // `Match exec` would run commands while merely reading settings: never evaluated.
    const found = this.config.compute(host, { ignoreCase: true, matchExec: false });
    const port = found.port === undefined ? undefined : this.number(host, 'Port', found.port);
    const user = first(found.user);
    const rawHostName = first(found.hostname);
    const tokens: Record<string, string> = {
      '%': '%',
      d: homedir(),
      h: rawHostName?.replaceAll('%h', host) ?? host,
      n: host,
      p: String(explicit.port ?? port ?? 22),
      r: explicit.user ?? user ?? userInfo().username,
      u: userInfo().username,
    };
    const expand = (text: string): string =>
      text.replace(/^~(?=\/|$)/, homedir()).replace(/%(.)/g, (match, key: string) => tokens[key] ?? match);
    const strict = first(found.stricthostkeychecking)?.toLowerCase();
    if (strict !== undefined && !(strict in policies)) {
      throw new OptionsError(
        'SSH_CONFIG_INVALID',
        `${this.file}: StrictHostKeyChecking ${strict} (for ${host}) is not one of yes, ask, accept-new, no, off.`,
      );
    }
    const proxyJump = first(found.proxyjump);
    const connectTimeout = first(found.connecttimeout);
    const aliveInterval = first(found.serveraliveinterval);
    return {
      hostName: rawHostName === undefined ? undefined : tokens.h,
      user,
      port,
      identityFiles: list(found.identityfile)
        .filter((file) => file.toLowerCase() !== 'none')
        .map(expand),
      proxyJump: proxyJump?.toLowerCase() === 'none' ? undefined : proxyJump,
      knownHostsFile:
        found.userknownhostsfile === undefined ? undefined : expand(list(found.userknownhostsfile)[0]),
      knownHostsPolicy: strict === undefined ? undefined : policies[strict],
      connectTimeoutMs:
        connectTimeout === undefined ? undefined : this.number(host, 'ConnectTimeout', connectTimeout) * 1000,
      keepaliveIntervalMs:
        aliveInterval === undefined
          ? undefined
          : this.number(host, 'ServerAliveInterval', aliveInterval) * 1000,
    };
  }

  private number(host: string, key: string, value: string | string[]): number {
    const text = first(value) ?? '';
    if (!/^\d+$/.test(text)) {
      throw new OptionsError(
        'SSH_CONFIG_INVALID',
        `${this.file}: ${key} ${text} (for ${host}) is not a whole number.`,
      );
    }
    return Number(text);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
