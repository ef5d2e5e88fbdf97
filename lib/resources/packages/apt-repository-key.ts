import { createHash } from 'node:crypto';
import { TaskError } from '../../errors.js';

/** A repository signing key as apt's `Signed-By` reads it from a `.gpg` file: binary OpenPGP packets. */
export interface SigningKey {
  binary: Buffer;
  /** The primary key's fingerprint, uppercase hex without spaces. */
  fingerprint: string;
}

const armorBegin = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const armorEnd = '-----END PGP PUBLIC KEY BLOCK-----';

/**
 * Reads a public key given as ASCII armor (what `gpg --armor --export` and most vendors publish) or as binary
 * packets, and returns the binary form (byte for byte what `gpg --dearmor` writes) with its fingerprint.
 * Done here rather than with gpg on the host: the plan can then compare exact bytes, and nothing is needed
 * on the target. Throws a TaskError naming `where` when the input is not an OpenPGP public key.
 */
export function readSigningKey(input: string | Buffer, where: string): SigningKey {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const binary = bytes.includes(armorBegin) ? dearmor(bytes.toString('utf8'), where) : bytes;
  const fingerprint = primaryFingerprint(binary);
  if (!fingerprint) {
    throw new TaskError(
      'KEY_INVALID',
      `${where}: not an OpenPGP public key (neither ASCII armor "${armorBegin}" nor binary key packets).`,
    );
  }
  return { binary, fingerprint };
}

/** The content of the first armored public key block, checked against its CRC-24 line when it has one. */
export function dearmor(text: string, where: string): Buffer {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const start = lines.indexOf(armorBegin);
  const end = lines.indexOf(armorEnd, start + 1);
  if (start < 0 || end < 0)
    throw new TaskError('KEY_INVALID', `${where}: the armored key block is not closed.`);
  let body = lines.slice(start + 1, end);
  // Armor headers ("Version: ...", "Comment: ...") end at the first empty line.
  const blank = body.indexOf('');
  if (blank >= 0 && body.slice(0, blank).every((line) => /^[\w-]+: /.test(line)))
    body = body.slice(blank + 1);
  const checksum = body.find((line) => /^=[A-Za-z0-9+/]{4}$/.test(line));
  const data = body.filter((line) => line !== '' && line !== checksum).join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data))
    throw new TaskError('KEY_INVALID', `${where}: the armored key contains characters that are not base64.`);
  const binary = Buffer.from(data, 'base64');
  if (checksum !== undefined && Buffer.from(checksum.slice(1), 'base64').readUIntBE(0, 3) !== crc24(binary)) {
    throw new TaskError(
      'KEY_INVALID',
      `${where}: the armored key fails its CRC-24 checksum (truncated or altered in transit).`,
    );
  }
  return binary;
}

/**
 * The fingerprint of the first packet when it is a public key (tag 6): SHA-1 of the key packet for version 4
 * keys, SHA-256 for versions 5 and 6 (RFC 9580). Undefined for anything else.
 */
export function primaryFingerprint(binary: Buffer): string | undefined {
  const packet = firstPacket(binary);
  if (!packet || packet.tag !== 6 || packet.body.length === 0) return undefined;
  const version = packet.body[0];
  const length = packet.body.length;
  if (version === 4) {
    const head = Buffer.from([0x99, length >> 8, length & 0xff]);
    return createHash('sha1').update(head).update(packet.body).digest('hex').toUpperCase();
  }
  if (version === 5 || version === 6) {
    const head = Buffer.alloc(5);
    head[0] = version === 5 ? 0x9a : 0x9b;
    head.writeUInt32BE(length, 1);
    return createHash('sha256').update(head).update(packet.body).digest('hex').toUpperCase();
  }
  return undefined;
}

/** A fingerprint as people write it ('9DC8 5822 ...', lowercase, with spaces) in the form readSigningKey returns. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/\s+/g, '').toUpperCase();
  return /^([0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : undefined;
}

/** Groups of four, as gpg prints it: '9DC8 5822 9FC7 …'. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}

function firstPacket(data: Buffer): { tag: number; body: Buffer } | undefined {
  if (data.length < 2 || (data[0] & 0x80) === 0) return undefined;
  let tag: number;
  let offset: number;
  let length: number;
  if (data[0] & 0x40) {
    tag = data[0] & 0x3f;
    const first = data[1];
    if (first < 192) [offset, length] = [2, first];
    else if (first < 224 && data.length >= 3) [offset, length] = [3, ((first - 192) << 8) + data[2] + 192];
    else if (first === 255 && data.length >= 6) [offset, length] = [6, data.readUInt32BE(2)];
    else return undefined; // partial lengths never frame a key packet
  } else {
    tag = (data[0] >> 2) & 0x0f;
    const size = [1, 2, 4][data[0] & 0x03];
    if (size === undefined || data.length < 1 + size) return undefined;
    [offset, length] = [1 + size, data.readUIntBE(1, size)];
  }
  if (offset + length > data.length) return undefined;
  return { tag, body: data.subarray(offset, offset + length) };
}

/** RFC 4880's CRC-24 of the armor checksum line. */
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}
