import { Type, type Static } from '@sinclair/typebox';

const policies = [Type.Literal('allow'), Type.Literal('deny'), Type.Literal('reject')];
const Port = Type.Integer({ minimum: 1, maximum: 65535 });

const Rule = Type.Object(
  {
    rule: Type.Union([
      Type.Literal('allow'),
      Type.Literal('deny'),
      Type.Literal('reject'),
      Type.Literal('limit'),
    ]),
    port: Type.Optional(
      Type.Union([Port, Type.String({ pattern: '^[0-9]+(:[0-9]+)?(,[0-9]+(:[0-9]+)?)*$' })], {
        description: "22, a range '6000:6007' or a list '80,443'; none means every port",
      }),
    ),
    proto: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('udp'), Type.Literal('any')])),
    from: Type.Optional(Type.String({ minLength: 1, description: "'any', an address or a network" })),
    to: Type.Optional(Type.String({ minLength: 1 })),
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
    route: Type.Optional(Type.Boolean()),
    comment: Type.Optional(
      Type.String({ pattern: "^[^']*$", description: 'no single quote (ufw cannot store it)' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The ufw role's variables: one schema for ajv's validation and for the TypeScript type. The default
 * policies are optional in the type and filled with their defaults by the validation.
 */
export const ufwVariables = Type.Object({
  defaults: Type.Object(
    {
      incoming: Type.Optional(Type.Union(policies, { default: 'deny' })),
      outgoing: Type.Optional(Type.Union(policies, { default: 'allow' })),
      routed: Type.Optional(Type.Union(policies, { default: 'deny' })),
    },
    { additionalProperties: false, default: {} },
  ),
  rules: Type.Array(Rule, { default: [] }),
  purge: Type.Boolean({ default: false }),
  logging: Type.Union(
    [
      Type.Literal('off'),
      Type.Literal('low'),
      Type.Literal('medium'),
      Type.Literal('high'),
      Type.Literal('full'),
    ],
    { default: 'low' },
  ),
  enabled: Type.Boolean({ default: true }),
  sysctl: Type.Boolean({
    default: true,
    description:
      'false: ufw leaves the kernel settings alone (IPT_SYSCTL empty in /etc/default/ufw), for a host whose sysctl role owns them; true: /etc/default/ufw is left as it is (ufw applies /etc/ufw/sysctl.conf when it starts).',
  }),
  sshPorts: Type.Optional(Type.Array(Port)),
  dockerUserChain: Type.Optional(Type.Boolean()),
  rollbackTimeoutSeconds: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
});

export type UfwVariables = Static<typeof ufwVariables>;
