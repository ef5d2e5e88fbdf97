import { Type, type Static } from '@sinclair/typebox';

/** The variables of the sysctl role: one schema for ajv's validation (and defaults) and the TypeScript type. */
export const sysctlVariables = Type.Object({
  file: Type.String({
    pattern: '^/etc/sysctl\\.d/[A-Za-z0-9_.-]+\\.conf$',
    default: '/etc/sysctl.d/90-bosun-hardening.conf',
    description: 'The drop-in (systemd-sysctl reads only *.conf; /etc/sysctl.conf, read last, still wins).',
  }),
  network: Type.Boolean({
    default: true,
    description: 'The net.* hardening keys (redirects, source routes, ...).',
  }),
  kernel: Type.Boolean({ default: true, description: 'The kernel.* and fs.* hardening keys.' }),
  rpFilter: Type.Integer({
    minimum: 0,
    maximum: 2,
    default: 1,
    description: 'Reverse path filter: 1 strict (RFC 3704), 2 loose (for asymmetric routing, VPNs), 0 off.',
  }),
  logMartians: Type.Boolean({ default: true, description: 'Log packets with impossible source addresses.' }),
  ptraceScope: Type.Integer({
    minimum: 0,
    maximum: 3,
    default: 1,
    description: 'kernel.yama.ptrace_scope: 1 children only; 2 admin only; 3 no ptrace until reboot.',
  }),
  disableIpv6: Type.Boolean({
    default: false,
    description:
      'net.ipv6.conf.all/default.disable_ipv6 = 1 (use case A). Refused while Bosun is connected over IPv6.',
  }),
  ipForward: Type.Optional(
    Type.Boolean({
      description: 'net.ipv4.ip_forward; unset: not managed (Docker, VPNs and routers need 1).',
    }),
  ),
  extra: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), {
    default: {},
    description: 'More keys, or other values for the defaults: { "vm.swappiness": 10 }.',
  }),
  exclude: Type.Array(Type.String(), { default: [], description: 'Default keys to leave unmanaged.' }),
  apply: Type.Boolean({
    default: true,
    description: 'Also set the running kernel (false: at the next boot).',
  }),
});

export type SysctlVariables = Static<typeof sysctlVariables>;
