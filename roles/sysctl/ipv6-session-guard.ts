import { checkExit, loginSessionScript, parseKeyValues, type Check } from '../../lib/index.js';

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
export function ipv6SessionGuard(): Check<{ connection?: string }> {
  return {
    kind: 'guard',
    id: 'SSH session over IPv4',
    probe: (ctx) => ({
      script: `${loginSessionScript}\nexit 0`,
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, 'finding the SSH session', {
          code: 'PROBE_FAILED',
        });
        return { connection: parseKeyValues(stdout).get('login.connection') };
      },
    }),
    verify(current) {
      const problem = ipv6SessionProblem(current.connection);
      return problem ? { passed: false, message: problem } : { passed: true };
    },
  };
}
