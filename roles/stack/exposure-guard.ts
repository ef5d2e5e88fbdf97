import { TaskError } from '../../lib/errors.js';
import type { Resource } from '../../lib/resources/resource.js';
import { runChecked } from '../../lib/resources/commands/run-checked.js';
import type { ComposeFile } from './compose-schema.js';
import { findExposures, formatExposures, type Exposure } from './exposure.js';
import { parseFirewall } from './firewall-state.js';
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
 * Changes nothing; lists the ports the stack publishes on every interface that the firewall does not let
 * in from anywhere (or that bypass ufw, as Docker's published ports do), as a warning on the task's
 * result or, with the 'fail' policy, a failure before anything changes. Reads the firewall only when
 * some port is published on every interface.
 */
export function exposureGuard(options: ExposureGuardOptions): Resource<Exposure[]> {
  return {
    kind: 'stack-exposure',
    id: 'published ports',
    async probe(ctx) {
      const compose = options.compose();
      if (publishedPorts(compose).every((port) => port.hostIp !== undefined)) return [];
      const result = await runChecked(ctx.transport, firewallScript, 'reading the firewall', {
        code: 'PROBE_FAILED',
      });
      const sections = Object.fromEntries(
        result.stdout
          .split(/^--- /m)
          .filter(Boolean)
          .map((section) => [
            section.slice(0, section.indexOf('\n')),
            section.slice(section.indexOf('\n') + 1),
          ]),
      );
      const exposures = findExposures(
        compose,
        parseFirewall({ ufw: sections.ufw, dockerUser: sections['docker-user'] }),
      );
      if (exposures.length > 0 && options.policy === 'fail')
        throw new TaskError(
          'STACK_EXPOSED_PORTS',
          `${ctx.transport.hostName}: ${formatExposures(exposures)}\n(nothing was changed; exposure: 'fail')`,
        );
      return exposures;
    },
    plan: (exposures) => ({
      changes: [],
      ...(exposures.length > 0 ? { message: `warning: ${formatExposures(exposures)}` } : {}),
    }),
    async apply() {},
  };
}
