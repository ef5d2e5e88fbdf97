import type { ComposeFile } from './compose-schema.js';
import type { FirewallState } from './firewall-state.js';
import { describePort, publishedPorts, type PublishedPort } from './published-ports.js';

/** A port reachable from anywhere that the firewall does not mean to let in. */
export interface Exposure {
  port: PublishedPort;
  reason: string;
}

/**
 * The ports a stack publishes on every interface that no firewall rule lets in from anywhere. With ufw
 * active they are the dangerous ones: Docker publishes a port with NAT rules that come before ufw's, so
 * ufw's "deny" does not apply to it. A port bound to one address (127.0.0.1 behind a reverse proxy) and a
 * port ufw allows from anywhere (80/443 of the proxy) are what the user meant, and pass. With ufw active
 * and DOCKER-USER handing containers' traffic to ufw's route rules (ufw-docker), nothing bypasses ufw.
 */
export function findExposures(compose: ComposeFile, firewall: FirewallState): Exposure[] {
  if (firewall.ufw === 'active' && firewall.ufwDocker) return [];
  return publishedPorts(compose)
    .filter((port) => port.hostIp === undefined && !allowedByUfw(port, firewall))
    .map((port) => ({ port, reason: reasonFor(firewall) }));
}

/** The guard's report: one line per port, then how to fix it. */
export function formatExposures(exposures: Exposure[]): string {
  return [
    `${exposures.length} published port(s) reachable from anywhere:`,
    ...exposures.map(({ port, reason }) => `  ${port.service}: ${describePort(port)}: ${reason}`),
    "Bind each to 127.0.0.1 ('127.0.0.1:8080:80') behind the reverse proxy, or drop it (services reach each",
    "other on the Compose network), or allow it in ufw if it is meant to be public; `exposure: 'ignore'` silences this.",
  ].join('\n');
}

function allowedByUfw(port: PublishedPort, firewall: FirewallState): boolean {
  if (firewall.ufw !== 'active' || !port.published) return false;
  const { from, to } = port.published;
  return firewall.allowed.some(
    (rule) =>
      rule.from <= from && to <= rule.to && (rule.protocol === undefined || rule.protocol === port.protocol),
  );
}

function reasonFor(firewall: FirewallState): string {
  switch (firewall.ufw) {
    case 'absent':
    case 'inactive':
      return `no firewall is active (ufw ${firewall.ufw})`;
    case 'unreadable':
      return 'the firewall could not be read (run the role with become)';
    case 'active':
      return firewall.dockerUserRules > 0
        ? `ufw does not allow it; the DOCKER-USER chain has ${firewall.dockerUserRules} rule(s) Bosun cannot judge: check that they filter it`
        : 'ufw does not allow it, but Docker publishes ports around ufw (its NAT rules come first)';
  }
}
