import { checkExit, type Check, type Verdict } from '../../lib/index.js';
import type { ComposeFile } from './compose-schema.js';
import { findExposures, formatExposures, type Exposure } from './exposure.js';
import { parseFirewall, type FirewallState } from './firewall-state.js';
import { publishedPorts } from './published-ports.js';

export interface ExposureGuardOptions {
  compose: () => ComposeFile;
  policy: 'warn' | 'fail';
}

// ufw and iptables live in sbin, which a non-login shell's PATH may lack.
const firewallScript = [
  'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"',
  'if command -v ufw >/dev/null 2>&1; then echo "--- ufw"; ufw status 2>&1; fi',
  'if command -v iptables >/dev/null 2>&1; then echo "--- docker-user"; iptables -S DOCKER-USER 2>/dev/null; fi',
  'exit 0',
].join('\n');

/**
 * A check that changes nothing: lists the ports the stack publishes on every interface that the firewall
 * does not let in from anywhere (or that bypass ufw, as Docker's published ports do), as a warning on the
 * task's result or, with the 'fail' policy, a failure before anything changes. Reads the firewall only
 * when some port is published on every interface.
 */
export function exposureGuard(options: ExposureGuardOptions): Check<Exposure[]> {
  return {
    kind: 'stack-exposure',
    id: 'published ports',
    probe(ctx) {
      const compose = options.compose();
      if (publishedPorts(compose).every((port) => port.hostIp !== undefined)) return Promise.resolve([]);
      return {
        script: firewallScript,
        parse: (result) => {
          const { stdout } = checkExit(ctx.transport.hostName, result, 'reading the firewall', {
            code: 'PROBE_FAILED',
          });
          return findExposures(compose, parseFirewallOutput(stdout));
        },
      };
    },
    verify: (exposures, ctx) => verifyExposures(exposures, options.policy, ctx.transport.hostName),
  };
}

/** The firewall script's output: a `--- ufw` and a `--- docker-user` section, each only where the tool is. */
export function parseFirewallOutput(stdout: string): FirewallState {
  const sections = Object.fromEntries(
    stdout
      .split(/^--- /m)
      .filter(Boolean)
      .map((section) => [section.slice(0, section.indexOf('\n')), section.slice(section.indexOf('\n') + 1)]),
  );
  return parseFirewall({ ufw: sections.ufw, dockerUser: sections['docker-user'] });
}

export function verifyExposures(exposures: Exposure[], policy: 'warn' | 'fail', hostName: string): Verdict {
  if (exposures.length === 0) return { passed: true };
  if (policy === 'fail')
    return {
      passed: false,
      message: `${hostName}: ${formatExposures(exposures)}\n(nothing was changed; exposure: 'fail')`,
    };
  return { passed: true, message: `warning: ${formatExposures(exposures)}` };
}
