import type { SysctlVariables } from './variables.js';

/** A key for `all` interfaces and the `default` of new ones. */
const both = (family: 'ipv4' | 'ipv6', key: string, value: number): [string, number][] => [
  [`net.${family}.conf.all.${key}`, value],
  [`net.${family}.conf.default.${key}`, value],
];

/**
 * The keys the role writes, from its variables: pure. Not here on purpose: `net.ipv4.ip_forward = 0`
 * (dev-sec's default, which breaks Docker: set `ipForward` yourself), IPv6 `accept_ra = 0` (cuts the IPv6
 * of VPS providers that configure it by router advertisements), `tcp_timestamps = 0` (costs PAWS and RTT
 * measurement for little), and one-way switches such as `kernel.unprivileged_bpf_disabled = 1` or
 * `kernel.kexec_load_disabled = 1` (add them in `extra`).
 */
export function hardeningSettings(vars: SysctlVariables): Record<string, string | number> {
  const settings: [string, string | number][] = [];
  if (vars.network) {
    settings.push(
      ...both('ipv4', 'rp_filter', vars.rpFilter),
      ['net.ipv4.tcp_syncookies', 1],
      ['net.ipv4.tcp_rfc1337', 1],
      ...both('ipv4', 'accept_redirects', 0),
      ...both('ipv6', 'accept_redirects', 0),
      ...both('ipv4', 'secure_redirects', 0),
      ...both('ipv4', 'send_redirects', 0),
      ...both('ipv4', 'accept_source_route', 0),
      ...both('ipv6', 'accept_source_route', 0),
      ...(vars.logMartians ? both('ipv4', 'log_martians', 1) : []),
      ['net.ipv4.icmp_echo_ignore_broadcasts', 1],
      ['net.ipv4.icmp_ignore_bogus_error_responses', 1],
    );
  }
  if (vars.kernel) {
    settings.push(
      ['kernel.kptr_restrict', 2],
      ['kernel.dmesg_restrict', 1],
      ['kernel.yama.ptrace_scope', vars.ptraceScope],
      ['kernel.randomize_va_space', 2],
      ['fs.protected_hardlinks', 1],
      ['fs.protected_symlinks', 1],
      ['fs.protected_fifos', 2],
      ['fs.protected_regular', 2],
      ['fs.suid_dumpable', 0],
    );
  }
  if (vars.disableIpv6)
    settings.push(['net.ipv6.conf.all.disable_ipv6', 1], ['net.ipv6.conf.default.disable_ipv6', 1]);
  if (vars.ipForward !== undefined) settings.push(['net.ipv4.ip_forward', vars.ipForward ? 1 : 0]);
  const merged = Object.fromEntries(settings);
  Object.assign(merged, vars.extra);
  for (const key of vars.exclude) delete merged[key];
  return merged;
}
