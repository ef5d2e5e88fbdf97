import { Type, type Static } from '@sinclair/typebox';

/** Seconds, or fail2ban's time words: '10m', '1h', '1d', '1w'; -1 bans for ever. */
const time = (options: { default?: string | number } = {}) =>
  Type.Union(
    [Type.Integer({ minimum: -1 }), Type.String({ pattern: '^-?[0-9]+[a-z]*( [0-9]+[a-z]*)*$' })],
    options,
  );
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
/** One line of an INI file: no line break can slip another option in. */
const Line = Type.String({ pattern: '^[^\\r\\n]*$' });
const Backend = Type.Union([
  Type.Literal('systemd'),
  Type.Literal('auto'),
  Type.Literal('pyinotify'),
  Type.Literal('polling'),
]);

/**
 * The fail2ban role's variables: one schema for ajv's validation and for the TypeScript type. Fields of
 * nested objects are optional in the type and filled with their defaults by the validation.
 */
export const fail2banVariables = Type.Object({
  bantime: time({ default: '1h' }),
  findtime: time({ default: '10m' }),
  maxretry: Type.Integer({ minimum: 1, default: 5 }),
  /** Addresses never banned: put the admins' own networks here. */
  ignoreip: Type.Array(Type.String({ pattern: '^[0-9A-Fa-f.:/]+$' }), { default: ['127.0.0.1/8', '::1'] }),
  /** 'auto': ufw when ufw is active on the host, else iptables-multiport, else nftables-multiport. */
  banaction: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', default: 'auto' }),
  sshd: Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ default: true })),
      /** sshd's ports (harden-ssh's); default: the inventory's SSH port. */
      ports: Type.Optional(Type.Array(Port, { minItems: 1 })),
      /** Default: systemd on a host with systemd (journald has sshd's log whether or not a syslog writes auth.log). */
      backend: Type.Optional(Backend),
      mode: Type.Optional(
        Type.Union([
          Type.Literal('normal'),
          Type.Literal('ddos'),
          Type.Literal('extra'),
          Type.Literal('aggressive'),
        ]),
      ),
      maxretry: Type.Optional(Type.Integer({ minimum: 1 })),
      bantime: Type.Optional(time()),
      findtime: Type.Optional(time()),
    },
    { additionalProperties: false, default: {} },
  ),
  recidive: Type.Object(
    {
      enabled: Type.Optional(Type.Boolean({ default: true })),
      bantime: Type.Optional(time({ default: '1w' })),
      findtime: Type.Optional(time({ default: '1d' })),
      maxretry: Type.Optional(Type.Integer({ minimum: 1, default: 5 })),
    },
    { additionalProperties: false, default: {} },
  ),
  /** nginx jails on nginx's error log; none unless given. */
  nginx: Type.Optional(
    Type.Object(
      {
        jails: Type.Optional(
          Type.Array(
            Type.Union([
              Type.Literal('nginx-limit-req'),
              Type.Literal('nginx-http-auth'),
              Type.Literal('nginx-botsearch'),
            ]),
            { default: ['nginx-limit-req'], minItems: 1 },
          ),
        ),
        errorLog: Type.Optional(
          Type.String({ pattern: '^/[^\\r\\n ]*$', default: '/var/log/nginx/error.log' }),
        ),
        maxretry: Type.Optional(Type.Integer({ minimum: 1, default: 5 })),
        findtime: Type.Optional(time({ default: 60 })),
        bantime: Type.Optional(time()),
        /** nginx runs in a Docker container with published ports: ban in the DOCKER-USER chain (iptables). */
        docker: Type.Optional(Type.Boolean({ default: false })),
      },
      { additionalProperties: false },
    ),
  ),
  /**
   * More jails, or options over the role's own sections (DEFAULT included): { 'postfix': { enabled: true } }.
   * Every option is written as `key = value`.
   */
  jails: Type.Record(
    Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
    Type.Record(
      Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' }),
      Type.Union([Line, Type.Number(), Type.Boolean()]),
      {
        additionalProperties: false,
      },
    ),
    { default: {}, additionalProperties: false },
  ),
  /** How long the server may take to settle after a start or reload. */
  settleSeconds: Type.Integer({ minimum: 5, maximum: 300, default: 30 }),
});

export type Fail2banVariables = Static<typeof fail2banVariables>;
