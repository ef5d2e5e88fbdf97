/** An IPv4 or IPv6 address with a prefix length: a single host has the full length (32 or 128). */
export interface IpNetwork {
  family: 4 | 6;
  /** The address bits as written (ufw keeps the host bits of an IPv6 network, so this does too). */
  address: bigint;
  prefix: number;
}

const bitsOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

/**
 * Parses `10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32` or `::1`. Throws a TypeError saying what is wrong.
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is refused: write the IPv4 address instead.
 */
export function parseNetwork(text: string): IpNetwork {
  const [addressText, prefixText, ...rest] = text.split('/');
  const family = addressText.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIpv4(addressText) : parseIpv6(addressText);
  if (address === undefined || rest.length > 0)
    throw new TypeError(
      `'${text}' is not an IPv${family} address or network (e.g. 203.0.113.0/24, 2001:db8::/32)`,
    );
  const bits = bitsOf(family);
  if (prefixText === undefined) return { family, address, prefix: bits };
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits))
    throw new TypeError(`'${text}': the prefix length must be 0 to ${bits}`);
  return { family, address, prefix };
}

/**
 * The text ufw stores for an address: an IPv4 network by its network address (ufw masks the host bits),
 * IPv6 in its compressed lowercase form with the bits as given, and no prefix for a single host.
 */
export function ufwAddressText(network: IpNetwork): string {
  const bits = bitsOf(network.family);
  const address =
    network.family === 4
      ? formatIpv4(network.address & mask(4, network.prefix))
      : formatIpv6(network.address);
  return network.prefix === bits ? address : `${address}/${network.prefix}`;
}

/** Whether a packet from (or to) `address` falls in `network`. */
export function networkContains(network: IpNetwork, address: IpNetwork): boolean {
  if (network.family !== address.family || address.prefix < network.prefix) return false;
  const m = mask(network.family, network.prefix);
  return (network.address & m) === (address.address & m);
}

/** Whether some address is in both networks. */
export function networksOverlap(a: IpNetwork, b: IpNetwork): boolean {
  return a.prefix <= b.prefix ? networkContains(a, b) : networkContains(b, a);
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = bitsOf(family);
  const all = (1n << BigInt(bits)) - 1n;
  return (all << BigInt(bits - prefix)) & all;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255))
    return undefined;
  return parts.reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return all.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
}

/** RFC 5952, as glibc's inet_ntop writes it (ufw normalizes through it): the longest run of 2+ zero groups becomes `::`. */
function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
