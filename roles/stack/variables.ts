import { Type, type Static } from '@sinclair/typebox';
import { ComposeFile } from './compose-schema.js';

const ExtraFile = Type.Object({
  /** Path relative to the stack's directory: 'redis/redis.conf' (no leading '/', no '..'). */
  path: Type.String({ pattern: '^(?!/)(?!(.*/)?\\.\\.(/|$))(?!\\.?/?$).+$' }),
  content: Type.Optional(Type.String()),
  /** A Jinja2-syntax template on the control machine (absolute, or relative to where bosun runs). */
  template: Type.Optional(Type.String()),
  vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  mode: Type.Optional(Type.String({ pattern: '^[0-7]{3,4}$' })),
});

/** The stack role's variables: one schema for ajv and for the TypeScript type. */
export const stackVariables = Type.Object({
  /** Compose project name. */
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$' }),
  state: Type.Union([Type.Literal('present'), Type.Literal('absent')], { default: 'present' }),
  /** Default /opt/NAME. */
  directory: Type.Optional(Type.String({ pattern: '^/.+' })),
  /** Owner and group of the directory and every file in it; unset: root. */
  owner: Type.Optional(Type.String()),
  group: Type.Optional(Type.String()),
  directoryMode: Type.String({ pattern: '^[0-7]{3,4}$', default: '0750' }),
  /** The Compose file as an object ... */
  compose: Type.Optional(ComposeFile),
  /** ... or the path of a YAML Compose file on the control machine. */
  composeFile: Type.Optional(Type.String()),
  /** Configuration files beside the Compose file (nginx.conf, redis.conf, ...), literal or templated. */
  files: Type.Array(ExtraFile, { default: [] }),
  /** Variables of the `.env` file (mode 0600): env name → name of the secret holding its value. */
  envSecrets: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
    default: {},
  }),
  /** Images to ship from the control machine (`docker save | docker load`), when no registry serves them. */
  images: Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_./:@-]*$' }), { default: [] }),
  /** `compose pull` the images that are not shipped before starting; default true. */
  pull: Type.Boolean({ default: true }),
  /** Seconds to wait for every service to run and report healthy. */
  healthTimeout: Type.Integer({ minimum: 1, default: 180 }),
  /** Kept for the OS outside every container, in the resource budget. */
  reserveMemoryMb: Type.Number({ minimum: 0, default: 1024 }),
  reserveCpus: Type.Number({ minimum: 0, default: 0.5 }),
  /** Refuse services without memory and CPU limits (instead of a warning). */
  requireLimits: Type.Boolean({ default: false }),
  /** Let CPU limits add up to more than the CPUs available. */
  overcommitCpu: Type.Boolean({ default: false }),
  /** Ports published on every interface that the firewall does not allow: warn, fail or ignore. */
  exposure: Type.Union([Type.Literal('warn'), Type.Literal('fail'), Type.Literal('ignore')], {
    default: 'warn',
  }),
  /** With state 'absent': remove the stack's named volumes too (its data). */
  removeVolumes: Type.Boolean({ default: false }),
});

export type StackVariables = Static<typeof stackVariables>;
