import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface TestKey {
  privateKeyFile: string;
  publicKey: string;
}

let cached: TestKey | undefined;

/**
 * An ed25519 key pair for logging in to throwaway hosts, made once per process in a directory of its own.
 * Never reused: a directory named after the pid could be a stale one of an earlier process with that pid
 * (killed before its exit hook), and its key is not this run's.
 */
export function testKey(): TestKey {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'bosun-testing-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const privateKeyFile = join(dir, 'id_ed25519');
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'bosun-test' });
  writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
  writeFileSync(`${privateKeyFile}.pub`, pair.public + '\n');
  cached = { privateKeyFile, publicKey: pair.public.trim() };
  return cached;
}
