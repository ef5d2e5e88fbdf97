import { OptionsError } from '../../errors.js';
import { networksOverlap, parseNetwork, ufwAddressText, type IpNetwork } from './ip-network.js';

export type UfwRuleAction = 'allow' | 'deny' | 'reject' | 'limit';

/** A firewall rule as a role or play declares it (the fields of `ufw [route] ACTION ...`). */
export interface UfwRule {
  /** `limit` allows, but drops an address's 7th new connection within 30 seconds. */
  rule: UfwRuleAction;
  /** A port (22), a range ('6000:6007') or a list ('80,443'); none means every port. */
  port?: number | string;
  /** 'tcp' by default when a port is given, 'any' without one. Ranges and lists need 'tcp' or 'udp'. */
  proto?: 'tcp' | 'udp' | 'any';
  /** Source address or network (`203.0.113.0/24`, `2001:db8::/32`); 'any' by default. */
  from?: string;
  /** Destination address or network on this host; 'any' by default. */
  to?: string;
  /** 'in' by default. Not for route rules. */
  direction?: 'in' | 'out';
  /** Forwarded traffic (`ufw route`): what reaches Docker containers once dockerUserChain is on. */
  route?: boolean;
  /** Shown by `ufw status`; ufw cannot store a single quote. */
  comment?: string;
}

/**
 * One rule as ufw stores it: the fields of a `### tuple ###` line of /etc/ufw/user.rules (user6.rules for
 * IPv6), with 'any' for an address that is every address and the comment decoded.
 */
export interface UfwTuple {
  /** 'allow', 'deny', 'reject' or 'limit', with '_log' or '_log-all' when the rule logs. */
  action: string;
  route: boolean;
  /** 'in' or 'out'; with interfaces 'in_eth0', 'out_eth1' or 'in_eth0!out_eth1'. */
  direction: string;
  proto: string;
  /** 'any', '22', '6000:6007' or '80,443'. */
  dport: string;
  dst: string;
  sport: string;
  src: string;
  /** Application profile names (`ufw allow OpenSSH`), '' when none. */
  dapp: string;
  sapp: string;
  comment: string;
}

/** A declared rule, normalized as ufw would store it. */
export interface DeclaredUfwRule {
  tuple: UfwTuple;
  /** 4 or 6 when an address pins the rule to one family; undefined for both. */
  family?: 4 | 6;
  /** Where it came from, for messages: 'rules[2]'. */
  where: string;
}

const portPattern = /^[1-9]\d{0,4}(:[1-9]\d{0,4})?(,[1-9]\d{0,4}(:[1-9]\d{0,4})?)*$/;

/** Checks a declared rule and writes it as ufw stores it; throws an OptionsError naming the rule. */
export function normalizeUfwRule(rule: UfwRule, where: string): DeclaredUfwRule {
  const fail = (why: string) => new OptionsError('UFW_RULE_INVALID', `ufw ${where}: ${why}`);
  const port = rule.port === undefined ? 'any' : String(rule.port);
  if (port !== 'any') {
    if (!portPattern.test(port) || !portRanges(port).every(([lo, hi]) => hi <= 65535 && lo <= hi))
      throw fail(`port '${port}' is not a port (1-65535), a range 'LOW:HIGH' or a list '80,443'.`);
    const count = port.split(',').reduce((n, part) => n + (part.includes(':') ? 2 : 1), 0);
    if (count > 15) throw fail(`port '${port}': ufw takes at most 15 ports in a list (a range counts as 2).`);
  }
  const proto = rule.proto ?? (port === 'any' ? 'any' : 'tcp');
  if (proto === 'any' && /[:,]/.test(port))
    throw fail(`port '${port}' is a range or a list: ufw needs proto 'tcp' or 'udp' for it.`);
  if (rule.route && rule.direction !== undefined)
    throw fail(
      'a route rule takes no direction (ufw needs interfaces for that, which Bosun does not manage).',
    );
  if (rule.comment?.includes("'")) throw fail('ufw cannot store a single quote in a comment.');
  const address = (text: string | undefined, field: string): IpNetwork | undefined => {
    if (text === undefined || text === 'any') return undefined;
    try {
      return parseNetwork(text);
    } catch (error) {
      throw fail(`${field}: ${(error as Error).message}.`);
    }
  };
  const from = address(rule.from, 'from');
  const to = address(rule.to, 'to');
  if (from && to && from.family !== to.family)
    throw fail(`from ${rule.from} and to ${rule.to} are of different IP versions.`);
  return {
    tuple: {
      action: rule.rule,
      route: rule.route ?? false,
      direction: rule.direction ?? 'in',
      proto,
      dport: port,
      dst: to ? ufwAddressText(to) : 'any',
      sport: 'any',
      src: from ? ufwAddressText(from) : 'any',
      dapp: '',
      sapp: '',
      comment: rule.comment ?? '',
    },
    family: (from ?? to)?.family,
    where,
  };
}

/**
 * Reads a `### tuple ###` line of user.rules / user6.rules (ufw 0.36's own reader in backend_iptables.py
 * is the reference): ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION [comment=HEX].
 */
export function parseTupleLine(line: string): UfwTuple | undefined {
  const match = /^### tuple ###\s*(.*?)(?: comment=([0-9a-fA-F]*))?\s*$/.exec(line);
  if (!match) return undefined;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 9) return undefined;
  const [action, proto, dport, dst, sport, src] = fields;
  const apps = fields.length >= 8;
  const unescape = (app: string) => (app === '-' ? '' : app.replaceAll('%20', ' '));
  return {
    action: action.replace(/^route:/, ''),
    route: action.startsWith('route:'),
    direction: fields.length === 7 || fields.length === 9 ? fields[fields.length - 1] : 'in',
    proto,
    dport,
    dst: anyAddress(dst),
    sport,
    src: anyAddress(src),
    dapp: apps ? unescape(fields[6]) : '',
    sapp: apps ? unescape(fields[7]) : '',
    comment: match[2] ? Buffer.from(match[2], 'hex').toString('utf8') : '',
  };
}

const anyAddress = (address: string) => (address === '0.0.0.0/0' || address === '::/0' ? 'any' : address);

/** 'allow' of 'allow_log'. */
export const baseAction = (tuple: UfwTuple) => tuple.action.split('_')[0];

/** What makes two tuples the same rule for ufw: everything but the action and the comment, which ufw updates in place. */
export function tupleKey(tuple: UfwTuple): string {
  const log = tuple.action.split('_')[1] ?? '';
  const { route, direction, proto, dport, dst, sport, src, dapp, sapp } = tuple;
  return JSON.stringify([route, direction, proto, dport, dst, sport, src, dapp, sapp, log]);
}

/**
 * The arguments of the ufw command that adds (or, with `remove`, deletes) the rule, in ufw's full syntax:
 * `[route] [delete] ACTION [log] [in|out [on IF]] [proto P] from SRC [port P|app A] to DST [port P|app A] [comment C]`.
 */
export function ufwRuleArgs(tuple: UfwTuple, options: { remove?: boolean } = {}): string[] {
  const [action, log] = tuple.action.split('_');
  const args: string[] = [];
  if (tuple.route) args.push('route');
  if (options.remove) args.push('delete');
  args.push(action);
  if (log) args.push(log);
  args.push(...directionArgs(tuple));
  if (!tuple.dapp && !tuple.sapp && tuple.proto !== 'any') args.push('proto', tuple.proto);
  args.push('from', tuple.src);
  if (tuple.sapp) args.push('app', tuple.sapp);
  else if (tuple.sport !== 'any') args.push('port', tuple.sport);
  args.push('to', tuple.dst);
  if (tuple.dapp) args.push('app', tuple.dapp);
  else if (tuple.dport !== 'any') args.push('port', tuple.dport);
  if (!options.remove && tuple.comment) args.push('comment', tuple.comment);
  return args;
}

function directionArgs(tuple: UfwTuple): string[] {
  if (tuple.direction.includes('!')) {
    const [inPart, outPart] = tuple.direction.split('!');
    return ['in', 'on', inPart.slice('in_'.length), 'out', 'on', outPart.slice('out_'.length)];
  }
  const [direction, iface] = tuple.direction.split(/_(.*)/s);
  if (iface) return [direction, 'on', iface];
  // A route rule's tuple says 'in', but ufw takes a direction on a route rule only with an interface.
  return tuple.route ? [] : [direction];
}

/** A short line for plans: `limit 22/tcp`, `allow 6443/tcp from 10.0.0.0/8`, `route allow 80/tcp # web`. */
export function describeUfwRule(tuple: UfwTuple): string {
  const parts = [tuple.route ? `route ${tuple.action}` : tuple.action];
  if (tuple.direction !== 'in') parts.push(tuple.direction.replaceAll('_', ' on ').replace('!', ' '));
  if (tuple.dapp) parts.push(tuple.dapp);
  else if (tuple.dport !== 'any')
    parts.push(tuple.proto === 'any' ? tuple.dport : `${tuple.dport}/${tuple.proto}`);
  else if (tuple.proto !== 'any') parts.push(`proto ${tuple.proto}`);
  if (tuple.src !== 'any' || tuple.sport !== 'any' || tuple.sapp)
    parts.push(
      `from ${tuple.src}${tuple.sapp ? ` app ${tuple.sapp}` : tuple.sport !== 'any' ? ` port ${tuple.sport}` : ''}`,
    );
  if (tuple.dst !== 'any') parts.push(`to ${tuple.dst}`);
  if (tuple.dport === 'any' && tuple.proto === 'any' && !tuple.dapp && parts.length === 1) parts.push('all');
  return parts.join(' ') + (tuple.comment ? ` # ${tuple.comment}` : '');
}

/** The port ranges of a port field other than 'any': '80,6000:6007' → [[80, 80], [6000, 6007]]. */
export function portRanges(dport: string): Array<[number, number]> {
  return dport.split(',').map((part) => {
    const [lo, hi = lo] = part.split(':').map(Number);
    return [lo, hi];
  });
}

/**
 * Whether some packet could match both rules: same kind (route or not) and direction, and overlapping
 * protocols, ports and addresses. An address Bosun cannot read counts as overlapping.
 */
export function tuplesOverlap(a: UfwTuple, b: UfwTuple): boolean {
  if (a.route !== b.route || a.direction !== b.direction) return false;
  if (a.proto !== 'any' && b.proto !== 'any' && a.proto !== b.proto) return false;
  const portsOverlap = (x: string, y: string) =>
    x === 'any' ||
    y === 'any' ||
    portRanges(x).some(([lo, hi]) => portRanges(y).some(([lo2, hi2]) => lo <= hi2 && lo2 <= hi));
  return (
    portsOverlap(a.dport, b.dport) &&
    portsOverlap(a.sport, b.sport) &&
    addressesOverlap(a.src, b.src) &&
    addressesOverlap(a.dst, b.dst)
  );
}

function addressesOverlap(a: string, b: string): boolean {
  if (a === 'any' || b === 'any') return true;
  try {
    return networksOverlap(parseNetwork(a), parseNetwork(b));
  } catch {
    return true;
  }
}
