/** The host names a host entry stands for, and the port written after it (`web1:2222`). */
export interface ExpandedHosts {
  names: string[];
  port?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Expands a host entry like Ansible does: `web[01:20].example.com` (zero padding kept when the
 * start has a leading zero), `db-[a:f]`, a step `[1:10:2]`, several ranges in one name, and an
 * optional `:port` suffix (`[v6addr]:port` for IPv6). Throws an Error with a user-facing reason.
 */
export function expandHostPattern(entry: string): ExpandedHosts {
  const { host, port } = splitPort(entry);
  return { names: host.includes('[') ? expandRanges(host) : [host], port };
}

function splitPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1], port: toPort(bracketed[2]) };
  const withPort = /^(.+):(\d+)$/.exec(entry);
  // A ':' left outside brackets means an IPv6 address, whose last group is not a port.
  if (withPort && !withPort[1].replace(/\[[^\]]*\]/g, '').includes(':')) {
    return { host: withPort[1], port: toPort(withPort[2]) };
  }
  return { host: entry };
}

function toPort(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

function expandRanges(name: string): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  if (close < 0) throw new Error("a host range has no closing ']'");
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  return rangeValues(name.slice(open + 1, close)).flatMap((value) => {
    const host = head + value + tail;
    return host.includes('[') ? expandRanges(host) : [host];
  });
}

function rangeValues(range: string): string[] {
  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new Error(`host range [${range}] must be [begin:end] or [begin:end:step]`);
  }
  const [beginText, end, stepText = '1'] = bounds;
  const begin = beginText || '0';
  if (!end) throw new Error(`host range [${range}] must give an end value`);
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new Error(`host range [${range}] needs a step of 1 or more`);

  if (/^[a-zA-Z]$/.test(begin) && /^[a-zA-Z]$/.test(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) throw new Error(`host range [${range}] must have begin <= end`);
    return [...LETTERS.slice(from, to + 1)].filter((_, i) => i % step === 0);
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
    throw new Error(`host range [${range}] must use numbers ([01:20]) or single letters ([a:f])`);
  }
  const padded = begin.length > 1 && begin.startsWith('0');
  if (padded && begin.length !== end.length) {
    throw new Error(`host range [${range}] must give begin and end with the same number of digits`);
  }
  if (Number(begin) > Number(end)) throw new Error(`host range [${range}] must have begin <= end`);
  const values: string[] = [];
  for (let n = Number(begin); n <= Number(end); n += step) {
    values.push(padded ? String(n).padStart(begin.length, '0') : String(n));
  }
  return values;
}
