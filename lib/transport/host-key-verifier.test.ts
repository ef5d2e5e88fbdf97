import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { KnownHostsPolicy } from './known-hosts.js';
import { fingerprint } from './known-hosts.js';
import { HostKeyVerifier } from './host-key-verifier.js';
import type { SshEndpoint } from './ssh-endpoint.js';

function newKey(): { line: string; blob: Buffer } {
  const line = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1], 'base64') };
}

describe('HostKeyVerifier', () => {
  let dir: string;
  let file: string;
  const known = newKey();
  const other = newKey();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-verifier-test-'));
    file = join(dir, 'known_hosts');
    await writeFile(file, `[10.0.0.1]:2222 ${known.line}\n@revoked * ${other.line}\n`);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function endpoint(policy: KnownHostsPolicy, address = '10.0.0.1'): SshEndpoint {
    return {
      name: 'web1',
      address,
      port: 2222,
      user: 'root',
      knownHostsFile: file,
      knownHostsPolicy: policy,
      connectTimeoutMs: 1_000,
      keepaliveIntervalMs: 1_000,
    };
  }

  it('accepts the recorded key and asks only for its type', async () => {
    const verifier = await HostKeyVerifier.load(endpoint('strict'));
    assert.deepEqual(verifier.algorithms, ['ssh-ed25519']);
    assert.equal(verifier.verify(known.blob), true);
    assert.equal(await verifier.settle(), undefined);
  });

  it('refuses a changed key under every checking policy, naming host, fingerprint and fix', async () => {
    const changed = newKey();
    for (const policy of ['strict', 'accept-new'] as const) {
      const verifier = await HostKeyVerifier.load(endpoint(policy));
      assert.equal(verifier.verify(changed.blob), false);
      const refusal = verifier.refusal ?? '';
      assert.ok(refusal.startsWith('web1 (10.0.0.1:2222) offered host key ssh-ed25519 '), refusal);
      assert.ok(refusal.includes(fingerprint(changed.blob)));
      assert.ok(refusal.includes('does NOT match'));
      assert.ok(refusal.includes(`ssh-keygen -R '[10.0.0.1]:2222' -f ${file}`));
    }
  });

  it('refuses an unknown host under strict, naming the offered fingerprint', async () => {
    const verifier = await HostKeyVerifier.load(endpoint('strict', '10.0.0.9'));
    const offered = newKey();
    assert.equal(verifier.algorithms, undefined);
    assert.equal(verifier.verify(offered.blob), false);
    assert.match(
      verifier.refusal ?? '',
      /^web1 \(10\.0\.0\.9:2222\) is not in .*known_hosts; it offered host key ssh-ed25519 SHA256:/,
    );
    assert.ok(verifier.refusal?.includes(fingerprint(offered.blob)));
  });

  it('refuses a @revoked key even under accept-new', async () => {
    const verifier = await HostKeyVerifier.load(endpoint('accept-new', '10.0.0.9'));
    assert.equal(verifier.verify(other.blob), false);
    assert.match(verifier.refusal ?? '', /marked @revoked/);
  });

  it('records a first-seen key under accept-new, once the connection succeeded', async () => {
    const offered = newKey();
    const verifier = await HostKeyVerifier.load(endpoint('accept-new', '10.0.0.9'));
    assert.equal(verifier.verify(offered.blob), true);
    assert.doesNotMatch(await readFile(file, 'utf8'), /10\.0\.0\.9/, 'nothing recorded before settle');
    assert.equal(await verifier.settle(), undefined);
    const lines = (await readFile(file, 'utf8')).split('\n');
    assert.ok(lines.includes(`[10.0.0.9]:2222 ${offered.line}`), lines.join('\n'));
  });

  it('accepts anything under off, with a warning that says whether the key matched', async () => {
    const unknown = await HostKeyVerifier.load(endpoint('off', '10.0.0.9'));
    assert.equal(unknown.verify(newKey().blob), true);
    assert.match(
      (await unknown.settle()) ?? '',
      /^web1 \(10\.0\.0\.9:2222\): host key checking is OFF; .* \(not in /,
    );

    const changed = await HostKeyVerifier.load(endpoint('off'));
    assert.equal(changed.algorithms, undefined);
    assert.equal(changed.verify(newKey().blob), true);
    assert.match((await changed.settle()) ?? '', /does NOT match the key recorded/);

    const same = await HostKeyVerifier.load(endpoint('off'));
    same.verify(known.blob);
    assert.match((await same.settle()) ?? '', /without verifying it\. Use the strict/);
    assert.doesNotMatch(await readFile(file, 'utf8'), /10\.0\.0\.9/, 'off records nothing');
  });
});
