import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

export interface TestKey {
  privateKeyFile: string;
  publicKey: string;
}

let cached: TestKey | undefined;

/** An ed25519 key pair for logging in to throwaway hosts, made once per process, never reused across runs. */
export function testKey(): TestKey {
  if (cached) return cached;
  const dir = join(tmpdir(), `bosun-testing-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const privateKeyFile = join(dir, 'id_ed25519');
  if (!existsSync(privateKeyFile)) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'bosun-test' });
    writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
    writeFileSync(`${privateKeyFile}.pub`, pair.public + '\n');
  }
  cached = { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8').trim() };
  return cached;
}
