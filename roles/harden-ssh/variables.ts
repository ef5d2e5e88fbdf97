import { Type, type Static } from '@sinclair/typebox';

const port = Type.Integer({ minimum: 1, maximum: 65535 });
// Names and sshd patterns (`deploy`, `adm*`, `deploy@10.0.0.0/8`): no spaces, so one line holds them all.
const pattern = Type.String({ pattern: '^[^\\s#"]+$' });
const algorithms = Type.Array(Type.String({ pattern: '^[A-Za-z0-9@._+-]+$' }), { minItems: 1 });

/** The variables of harden-ssh: one schema for ajv's validation and the TypeScript type. */
export const hardenSshVariables = Type.Object({
  ports: Type.Array(port, {
    minItems: 1,
    uniqueItems: true,
    default: [22],
    description: 'Ports sshd listens on; Bosun logs in on the first one after the change.',
  }),
  permitRootLogin: Type.Union(
    [
      Type.Literal('no'),
      Type.Literal('prohibit-password'),
      Type.Literal('forced-commands-only'),
      Type.Literal('yes'),
    ],
    { default: 'no' },
  ),
  passwordAuthentication: Type.Boolean({ default: false }),
  kbdInteractiveAuthentication: Type.Boolean({ default: false }),
  pubkeyAuthentication: Type.Boolean({ default: true }),
  allowUsers: Type.Array(pattern, { default: [], description: 'AllowUsers; empty: not set.' }),
  allowGroups: Type.Array(pattern, { default: [], description: 'AllowGroups; empty: not set.' }),
  maxAuthTries: Type.Integer({ minimum: 1, default: 3 }),
  maxSessions: Type.Integer({ minimum: 1, default: 10 }),
  loginGraceTime: Type.Integer({ minimum: 0, default: 30, description: 'Seconds.' }),
  clientAliveInterval: Type.Integer({ minimum: 0, default: 300, description: 'Seconds; 0 turns it off.' }),
  clientAliveCountMax: Type.Integer({ minimum: 0, default: 3 }),
  x11Forwarding: Type.Boolean({ default: false }),
  allowAgentForwarding: Type.Boolean({ default: false }),
  allowTcpForwarding: Type.Union([Type.Boolean(), Type.Literal('local'), Type.Literal('remote')], {
    default: false,
  }),
  permitTunnel: Type.Union([Type.Boolean(), Type.Literal('point-to-point'), Type.Literal('ethernet')], {
    default: false,
  }),
  banner: Type.Optional(
    Type.String({ description: 'Text shown before login: written to /etc/issue.net and set as Banner.' }),
  ),
  printMotd: Type.Optional(Type.Boolean()),
  usePam: Type.Optional(Type.Boolean()),
  logLevel: Type.Union(
    ['QUIET', 'FATAL', 'ERROR', 'INFO', 'VERBOSE', 'DEBUG'].map((level) => Type.Literal(level)),
    { default: 'VERBOSE', description: 'VERBOSE logs the fingerprint of the key each login used.' },
  ),
  kexAlgorithms: Type.Optional(algorithms),
  ciphers: Type.Optional(algorithms),
  macs: Type.Optional(algorithms),
  hostKeyAlgorithms: Type.Optional(algorithms),
  removeSmallModuli: Type.Boolean({
    default: true,
    description: 'Remove Diffie-Hellman moduli under 3072 bits from /etc/ssh/moduli.',
  }),
  hostKeys: Type.Array(Type.Union([Type.Literal('ed25519'), Type.Literal('rsa')]), {
    minItems: 1,
    uniqueItems: true,
    default: ['ed25519', 'rsa'],
  }),
  rollbackTimeoutSeconds: Type.Integer({ minimum: 30, default: 300 }),
  allowLoginChangeForConnectingUser: Type.Boolean({
    default: false,
    description:
      'Skip the plan check that the connecting user keeps a key login; the fresh-login guard still applies.',
  }),
  confirmPort: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'Port the control machine uses to reach the first of ports, when NAT maps it to another.',
    }),
  ),
  extraSettings: Type.Record(
    Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*$' }),
    Type.Union([
      Type.String({ pattern: '^[^\\r\\n]*$' }),
      Type.Integer(),
      Type.Boolean(),
      Type.Array(Type.String({ pattern: '^[^\\r\\n]*$' })),
    ]),
    { default: {}, additionalProperties: false },
  ),
});

export type HardenSshVariables = Static<typeof hardenSshVariables>;
