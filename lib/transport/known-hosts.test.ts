import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { KnownHosts, fingerprint, keyTypeOf, knownHostsName } from './known-hosts.js';

function newKey(): { line: string; blob: Buffer } {
  const line = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1], 'base64') };
}

describe('known_hosts', () => {
  let dir: string;
  let file: string;
  const a = newKey();
  const b = newKey();
  const c = newKey();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-known-hosts-test-'));
    file = join(dir, 'known_hosts');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('names hosts as OpenSSH does', () => {
    assert.equal(knownHostsName('web1', 22), 'web1');
    assert.equal(knownHostsName('10.0.0.1', 2222), '[10.0.0.1]:2222');
  });

  it('matches plain names, comma lists, wildcards and [host]:port', async () => {
    await writeFile(
      file,
      [
        '# a comment',
        '',
        `web1,10.0.0.1 ${a.line}`,
        `[10.0.0.2]:2222 ${b.line}`,
        `*.example.org ${c.line}`,
      ].join('\n'),
    );
    const known = await KnownHosts.load(file);
    assert.deepEqual(
      known.lookup('web1', 22).keys.map((key) => key.blob),
      [a.blob],
    );
    assert.deepEqual(
      known.lookup('10.0.0.1', 22).keys.map((key) => key.blob),
      [a.blob],
    );
    assert.equal(known.lookup('10.0.0.1', 2222).keys.length, 0, 'another port is another host');
    assert.deepEqual(
      known.lookup('10.0.0.2', 2222).keys.map((key) => key.blob),
      [b.blob],
    );
    assert.equal(known.lookup('10.0.0.2', 22).keys.length, 0);
    assert.deepEqual(
      known.lookup('db.example.org', 22).keys.map((key) => key.blob),
      [c.blob],
    );
    assert.equal(known.lookup('example.org', 22).keys.length, 0);
    assert.equal(known.lookup('web10', 22).keys.length, 0);
    assert.equal(known.lookup('web1', 22).keys[0].type, 'ssh-ed25519');
  });

  it('matches hashed |1| entries written by ssh-keygen -H', async () => {
    await writeFile(file, `web1 ${a.line}\n[10.0.0.2]:2222 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = await readFile(file, 'utf8');
    assert.match(text, /^\|1\|/m);
    assert.doesNotMatch(text, /web1|10\.0\.0\.2/, 'the names are hashed');
    const known = await KnownHosts.load(file);
    assert.deepEqual(
      known.lookup('web1', 22).keys.map((key) => key.blob),
      [a.blob],
    );
    assert.deepEqual(
      known.lookup('10.0.0.2', 2222).keys.map((key) => key.blob),
      [b.blob],
    );
    assert.equal(known.lookup('web2', 22).keys.length, 0);
  });

  it('lets a negated pattern exclude a host the rest of the line matches', async () => {
    await writeFile(file, `*.example.org,!bad.example.org ${a.line}\n`);
    const known = await KnownHosts.load(file);
    assert.equal(known.lookup('good.example.org', 22).keys.length, 1);
    assert.equal(known.lookup('bad.example.org', 22).keys.length, 0);
  });

  it('keeps @revoked keys apart and skips @cert-authority lines', async () => {
    await writeFile(file, `@revoked * ${b.line}\n@cert-authority *.example.org ${c.line}\nweb1 ${a.line}\n`);
    const known = await KnownHosts.load(file);
    const found = known.lookup('web1', 22);
    assert.deepEqual(
      found.keys.map((key) => key.blob),
      [a.blob],
    );
    assert.deepEqual(
      found.revoked.map((key) => key.blob),
      [b.blob],
    );
    assert.equal(known.lookup('x.example.org', 22).keys.length, 0);
  });

  it('treats a missing file as empty and creates it on add', async () => {
    const nested = join(dir, 'sub', 'known_hosts');
    const known = await KnownHosts.load(nested);
    assert.equal(known.lookup('web1', 22).keys.length, 0);
    await known.add('10.0.0.3', 2200, a.blob);
    assert.equal(known.lookup('10.0.0.3', 2200).keys.length, 1);
    assert.equal(await readFile(nested, 'utf8'), `[10.0.0.3]:2200 ${a.line}\n`);
    const reloaded = await KnownHosts.load(nested);
    assert.equal(reloaded.lookup('10.0.0.3', 2200).keys.length, 1);
  });

  it('prints fingerprints as ssh-keygen -l does', async () => {
    await writeFile(file, `web1 ${a.line}\n`);
    const printed = execFileSync('ssh-keygen', ['-l', '-f', file], { encoding: 'utf8' });
    assert.ok(printed.includes(fingerprint(a.blob)), printed);
    assert.equal(keyTypeOf(a.blob), 'ssh-ed25519');
  });
});
