import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  dearmor,
  formatFingerprint,
  normalizeFingerprint,
  primaryFingerprint,
  readSigningKey,
} from './apt-repository-key.js';

// Public keys made with `gpg --quick-gen-key`; the fingerprints and sha256 sums are what gpg printed for them
// (`gpg --list-keys --with-colons`, `gpg --dearmor < KEY.asc | sha256sum`).
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/apt-repository/${name}`, import.meta.url), 'utf8');
const rsa = fixture('rsa-key.asc');
const ed25519 = fixture('ed25519-key.asc');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('readSigningKey', () => {
  it('dearmors an RSA key byte for byte as gpg --dearmor does, with its v4 fingerprint', () => {
    const key = readSigningKey(rsa, 'test');
    assert.equal(sha256(key.binary), 'd70d14d9453d101f3dfcc91d5f15bdc923255bfbc046cca74a5251459139bd6e');
    assert.equal(key.fingerprint, '94CBC2C55A77CDF00557B7DEF1E41B45CE26F172');
  });

  it('reads an ed25519 key (a one-octet packet length)', () => {
    const key = readSigningKey(ed25519, 'test');
    assert.equal(sha256(key.binary), 'db5c49c1e4febdb2ffa684bbc42851b0fe9c4516ed350e663811e1765d708487');
    assert.equal(key.fingerprint, '4485FC28FD4137E3E918746D73561FB435513D56');
  });

  it('reads a key packet framed in the new format (RFC 4880 4.2.2) to the same fingerprint', () => {
    const binary = readSigningKey(rsa, 'test').binary;
    assert.equal(binary[0], 0x99, 'gpg wrote an old-format packet with a two-octet length');
    const length = binary.readUInt16BE(1);
    const header = Buffer.from([0xc6, ((length - 192) >> 8) + 192, (length - 192) & 0xff]);
    const reframed = Buffer.concat([header, binary.subarray(3)]);
    assert.equal(primaryFingerprint(reframed), '94CBC2C55A77CDF00557B7DEF1E41B45CE26F172');
  });

  it('takes binary packets as they are', () => {
    const binary = readSigningKey(rsa, 'test').binary;
    assert.deepEqual(readSigningKey(binary, 'test'), {
      binary,
      fingerprint: '94CBC2C55A77CDF00557B7DEF1E41B45CE26F172',
    });
  });

  it('skips armor headers, CRLF line ends and text around the block', () => {
    const withHeaders = rsa
      .replace(
        '-----BEGIN PGP PUBLIC KEY BLOCK-----\n',
        '-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: test\n',
      )
      .replaceAll('\n', '\r\n');
    const key = readSigningKey(`Here is our key:\r\n${withHeaders}\r\nthanks`, 'test');
    assert.equal(key.fingerprint, '94CBC2C55A77CDF00557B7DEF1E41B45CE26F172');
  });

  it('refuses an armored key whose CRC-24 line does not match (one character altered)', () => {
    const lines = rsa.split('\n');
    const i = 5;
    lines[i] = (lines[i][0] === 'A' ? 'B' : 'A') + lines[i].slice(1);
    assert.throws(
      () => readSigningKey(lines.join('\n'), 'https://example.test/gpg'),
      (error: Error & { code?: string }) =>
        error.code === 'KEY_INVALID' && /https:\/\/example\.test\/gpg: .*CRC-24/.test(error.message),
    );
  });

  it('refuses what is not a public key: an HTML error page, a truncated block, a signature', () => {
    assert.throws(() => readSigningKey('<html>404 Not Found</html>', 'K'), /K: not an OpenPGP public key/);
    assert.throws(() => readSigningKey(rsa.split('\n').slice(0, 6).join('\n'), 'K'), /not closed/);
    const signaturePacket = Buffer.from([0x88, 0x02, 0x04, 0x00]); // old-format tag 2
    assert.throws(() => readSigningKey(signaturePacket, 'K'), /not an OpenPGP public key/);
  });
});

describe('fingerprints', () => {
  it('normalizes what people paste, and refuses a short key id', () => {
    assert.equal(
      normalizeFingerprint('9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88'),
      '9DC858229FC7DD38854AE2D88D81803C0EBFCD88',
    );
    assert.equal(
      normalizeFingerprint('9dc858229fc7dd38854ae2d88d81803c0ebfcd88'),
      '9DC858229FC7DD38854AE2D88D81803C0EBFCD88',
    );
    assert.equal(normalizeFingerprint('0EBFCD88'), undefined);
  });

  it('formats in groups of four', () => {
    assert.equal(
      formatFingerprint('94CBC2C55A77CDF00557B7DEF1E41B45CE26F172'),
      '94CB C2C5 5A77 CDF0 0557 B7DE F1E4 1B45 CE26 F172',
    );
  });

  it('is undefined for empty or cut-off packets', () => {
    assert.equal(primaryFingerprint(Buffer.alloc(0)), undefined);
    assert.equal(primaryFingerprint(dearmor(rsa, 'test').subarray(0, 20)), undefined);
  });
});
