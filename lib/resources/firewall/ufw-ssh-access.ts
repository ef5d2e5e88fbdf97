import { networkContains, parseNetwork, type IpNetwork } from './ip-network.js';
import { baseAction, describeUfwRule, portRanges, type UfwTuple } from './ufw-rule.js';

/** The firewall as it would be after a change. */
export interface FirewallOutcome {
  enabled: boolean;
  /** The default incoming policy: 'allow', 'deny' or 'reject'. */
  incoming: string;
  ipv6: boolean;
  rules: Record<4 | 6, UfwTuple[]>;
}

/** An SSH port that must stay reachable, and why (for the message). */
export interface SshPort {
  port: number;
  why: string;
}

/** Where new SSH connections come from and arrive, when the host could tell (`SSH_CONNECTION`). */
export interface SshSession {
  client: string;
  server: string;
}

type Match = 'yes' | 'no' | 'maybe';

/**
 * Whether a new SSH connection to each port would get through, evaluated as ufw does: the first rule that
 * matches decides, else the default incoming policy. With the session known, the source is this
 * connection's own address (a rule `from 10.0.0.0/8` counts only if it holds it); a rule Bosun cannot judge
 * (an interface, an address it cannot read, an unknown source) is taken as allowing and never as denying:
 * the commit-confirm login catches what this cannot see. Returns each blocked port with why.
 */
export function sshAccessProblems(
  outcome: FirewallOutcome,
  ports: SshPort[],
  session?: SshSession,
): Array<{ port: number; text: string }> {
  if (!outcome.enabled) return [];
  const client = readAddress(session?.client);
  const server = readAddress(session?.server);
  const families: Array<4 | 6> = client ? [client.family] : outcome.ipv6 ? [4, 6] : [4];
  return ports.flatMap(({ port, why }) => {
    const verdicts = families.map((family) => verdict(outcome, family, port, client, server));
    if (verdicts.some((v) => v === undefined)) return [];
    const from = session ? ` from ${session.client}` : '';
    return [{ port, text: `port ${port}/tcp${from} (${why}): ${verdicts[0]}` }];
  });
}

/** undefined when the port is reachable, else why it is not. */
function verdict(
  outcome: FirewallOutcome,
  family: 4 | 6,
  port: number,
  client: IpNetwork | undefined,
  server: IpNetwork | undefined,
): string | undefined {
  for (const rule of outcome.rules[family]) {
    const match = matches(rule, port, client, server);
    if (match === 'no') continue;
    const admits = baseAction(rule) === 'allow' || baseAction(rule) === 'limit';
    if (admits) return undefined;
    if (match === 'yes')
      return `the rule '${describeUfwRule(rule)}' ${baseAction(rule) === 'deny' ? 'denies' : 'rejects'} it`;
  }
  if (outcome.incoming === 'allow') return undefined;
  return `the default incoming policy is '${outcome.incoming}' and no rule allows it`;
}

function matches(rule: UfwTuple, port: number, client?: IpNetwork, server?: IpNetwork): Match {
  if (rule.route || !rule.direction.startsWith('in')) return 'no';
  if (rule.proto !== 'any' && rule.proto !== 'tcp') return 'no';
  if (rule.dport !== 'any' && !portRanges(rule.dport).some(([lo, hi]) => lo <= port && port <= hi))
    return 'no';
  const checks: Match[] = [
    rule.direction === 'in' ? 'yes' : 'maybe',
    rule.sport === 'any' && !rule.sapp ? 'yes' : 'maybe',
    addressMatch(rule.src, client),
    addressMatch(rule.dst, server),
  ];
  return checks.includes('no') ? 'no' : checks.includes('maybe') ? 'maybe' : 'yes';
}

function addressMatch(ruleAddress: string, address: IpNetwork | undefined): Match {
  if (ruleAddress === 'any') return 'yes';
  const network = readAddress(ruleAddress);
  if (!network || !address) return 'maybe';
  return networkContains(network, address) ? 'yes' : 'no';
}

function readAddress(text: string | undefined): IpNetwork | undefined {
  if (text === undefined) return undefined;
  try {
    return parseNetwork(text);
  } catch {
    return undefined;
  }
}
