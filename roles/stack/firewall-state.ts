/** What the host's firewall lets in from anywhere, as far as the exposure guard needs to know. */
export interface FirewallState {
  /** 'unreadable': ufw exists but its status could not be read (not root). */
  ufw: 'active' | 'inactive' | 'absent' | 'unreadable';
  /** Ports ufw allows (or rate-limits) in from anywhere, including route (FWD) rules. */
  allowed: { from: number; to: number; protocol?: 'tcp' | 'udp' }[];
  /** Rules in Docker's DOCKER-USER chain besides its default RETURN: filtering that ufw's own rules lack. */
  dockerUserRules: number;
  /**
   * DOCKER-USER hands forwarded traffic to ufw's route rules (ufw-docker, and roles/ufw's `dockerUser`): a
   * published port is then reachable only where a `ufw route allow` rule lets it through.
   */
  ufwDocker: boolean;
}

/**
 * Reads `ufw status` and `iptables -S DOCKER-USER` output. Rules that are not plain ports (application
 * profiles such as 'Nginx Full', rules for one interface or source network) are not counted as allowing
 * a port from anywhere, so the guard errs on the side of reporting.
 */
export function parseFirewall(input: { ufw?: string; dockerUser?: string }): FirewallState {
  const rules = (input.dockerUser ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('-A DOCKER-USER') && line !== '-A DOCKER-USER -j RETURN');
  const docker = {
    dockerUserRules: rules.length,
    ufwDocker: rules.includes('-A DOCKER-USER -j ufw-user-forward'),
  };
  if (input.ufw === undefined) return { ufw: 'absent', allowed: [], ...docker };
  const status = /^Status: (active|inactive)$/m.exec(input.ufw)?.[1];
  if (status === undefined) return { ufw: 'unreadable', allowed: [], ...docker };
  if (status === 'inactive') return { ufw: 'inactive', allowed: [], ...docker };

  const allowed: FirewallState['allowed'] = [];
  for (const line of input.ufw.split('\n')) {
    const rule = /^(\S+)(?: \(v6\))?\s{2,}(?:ALLOW|LIMIT)(?: (?:IN|FWD))?\s{2,}Anywhere(?: \(v6\))?$/.exec(
      line.trim(),
    );
    const ports = rule && /^([\d,:]+)(?:\/(tcp|udp))?$/.exec(rule[1]);
    if (!ports) continue;
    const protocol = ports[2] as 'tcp' | 'udp' | undefined;
    for (const part of ports[1].split(',')) {
      const [from, to = from] = part.split(':').map(Number);
      allowed.push({ from, to, ...(protocol ? { protocol } : {}) });
    }
  }
  return { ufw: 'active', allowed, ...docker };
}
