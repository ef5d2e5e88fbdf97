import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** `strict`: unknown or changed keys are refused (default). `accept-new`: trust on first use. `off`: no check. */
export type KnownHostsPolicy = 'strict' | 'accept-new' | 'off';

export interface KnownHostKey {
  type: string;
  /** The key blob in SSH wire format (the base64 field of known_hosts, decoded). */
  blob: Buffer;
}

/** SHA256 fingerprint as OpenSSH prints it: `SHA256:` and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The name OpenSSH records for a host: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The key type inside a wire-format blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1');
}

/** OpenSSH's known_hosts file: plain and hashed (`|1|salt|hash`) names, comments, `@revoked` markers. */
export class KnownHosts {
  private constructor(
    readonly file: string,
    private readonly lines: string[],
  ) {}

  static async load(file: string): Promise<KnownHosts> {
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return new KnownHosts(file, text.split('\n'));
  }

  /** Keys recorded for the host; `revoked` holds keys marked `@revoked`, which are never accepted. */
  lookup(host: string, port: number): { keys: KnownHostKey[]; revoked: KnownHostKey[] } {
    const name = knownHostsName(host, port);
    const keys: KnownHostKey[] = [];
    const revoked: KnownHostKey[] = [];
    for (const raw of this.lines) {
      const fields = raw.trim().split(/\s+/);
      if (!fields[0] || fields[0].startsWith('#')) continue;
      const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
      if (marker === '@cert-authority' || fields.length < 3) continue;
      const [patterns, type, base64] = fields;
      if (!matchesName(patterns, name)) continue;
      (marker === '@revoked' ? revoked : keys).push({ type, blob: Buffer.from(base64, 'base64') });
    }
    return { keys, revoked };
  }

  async add(host: string, port: number, blob: Buffer): Promise<void> {
    const line = `${knownHostsName(host, port)} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, line + '\n', { mode: 0o600 });
    this.lines.push(line);
  }
}

function matchesName(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(
      '^' +
        glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.') +
        '$',
    );
    if (regex.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
