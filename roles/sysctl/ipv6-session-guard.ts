import { TaskError } from '../../lib/errors.js';
import { parseKeyValues } from '../../lib/facts/key-values.js';
import type { Resource } from '../../lib/resources/resource.js';
import { runChecked } from '../../lib/resources/commands/run-checked.js';
import { loginSessionScript } from '../../lib/facts/login-session.js';

/**
 * Why disabling IPv6 would cut the SSH session Bosun runs in, from its SSH_CONNECTION (`client port server
 * port`), or undefined. An IPv4 client on a dual-stack socket shows as `::ffff:203.0.113.7`: that is IPv4.
 */
export function ipv6SessionProblem(connection: string | undefined): string | undefined {
  const server = connection?.trim().split(/\s+/)[2];
  if (!server || !server.includes(':') || /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(server)) return undefined;
  return (
    `Bosun is connected over IPv6 (to ${server}): disableIpv6 would cut this session and every later login ` +
    'over IPv6. Connect over IPv4 (bosun_host: the IPv4 address) or leave disableIpv6 false. Nothing was changed.'
  );
}

/** A task that refuses, before the settings change (and in check mode), to disable IPv6 under an IPv6 session. */
export function ipv6SessionGuard(): Resource<{ connection?: string }> {
  return {
    kind: 'guard',
    id: 'SSH session over IPv4',
    async probe(ctx) {
      const result = await runChecked(
        ctx.transport,
        `${loginSessionScript}\nexit 0`,
        'finding the SSH session',
        {
          code: 'PROBE_FAILED',
        },
      );
      return { connection: parseKeyValues(result.stdout).get('login.connection') };
    },
    plan(current) {
      const problem = ipv6SessionProblem(current.connection);
      if (problem) throw new TaskError('IPV6_SESSION', problem);
      return { changes: [] };
    },
    async apply() {
      // The plan never has changes: the guard only refuses.
    },
  };
}
