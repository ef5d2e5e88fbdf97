import { Type, type Static } from '@sinclair/typebox';

// The Compose keys Bosun reads (limits, healthchecks, ports, mounts, networks, env) are typed here; every
// other Compose key is allowed through unchecked and left to `compose config -q` on the host.

/** Bytes as a number, or a size with Docker's units (b, k, m, g, kb, mb, gb, also KiB/MiB/GiB): '512m', '1.5g'. */
export const MemorySize = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?\\s*([bBkKmMgGtT]([iI]?[bB])?)?$' }),
]);

/** CPUs as a number or a decimal string: 0.5, '1.5'. */
export const CpuCount = Type.Union([
  Type.Number({ exclusiveMinimum: 0 }),
  Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
]);

const ResourceSet = Type.Object({
  cpus: Type.Optional(CpuCount),
  memory: Type.Optional(MemorySize),
  /** Compose v1 does not know `deploy.resources.limits.pids`: Bosun renders it as `pids_limit`. */
  pids: Type.Optional(Type.Integer({ minimum: -1 })),
});

const Duration = Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(us|ms|s|m|h))+$' });

const Healthcheck = Type.Object({
  test: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })]),
  interval: Type.Optional(Duration),
  timeout: Type.Optional(Duration),
  retries: Type.Optional(Type.Integer({ minimum: 0 })),
  start_period: Type.Optional(Duration),
  disable: Type.Optional(Type.Boolean()),
});

/** Short syntax ('127.0.0.1:8080:80', '443:443/tcp', '8080') or long syntax. */
export const PortSpec = Type.Union([
  Type.String(),
  Type.Integer(),
  Type.Object({
    target: Type.Integer(),
    published: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
    host_ip: Type.Optional(Type.String()),
    protocol: Type.Optional(Type.String()),
  }),
]);

/** Short syntax ('./redis.conf:/etc/redis/redis.conf:ro', 'pgdata:/var/lib/postgresql') or long syntax. */
const VolumeSpec = Type.Union([
  Type.String(),
  Type.Object({
    type: Type.String(),
    source: Type.Optional(Type.String()),
    target: Type.String(),
    read_only: Type.Optional(Type.Boolean()),
  }),
]);

const StringMap = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);

export const ComposeService = Type.Object({
  /** Required: Bosun deploys images (shipped or pulled); it does not build on the host. */
  image: Type.String({ minLength: 1 }),
  deploy: Type.Optional(
    Type.Object({
      replicas: Type.Optional(Type.Integer({ minimum: 0 })),
      resources: Type.Optional(
        Type.Object({ limits: Type.Optional(ResourceSet), reservations: Type.Optional(ResourceSet) }),
      ),
    }),
  ),
  healthcheck: Type.Optional(Healthcheck),
  ports: Type.Optional(Type.Array(PortSpec)),
  networks: Type.Optional(
    Type.Union([
      Type.Array(Type.String()),
      Type.Record(Type.String(), Type.Union([Type.Object({}), Type.Null()])),
    ]),
  ),
  volumes: Type.Optional(Type.Array(VolumeSpec)),
  environment: Type.Optional(Type.Union([StringMap, Type.Array(Type.String())])),
  env_file: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  logging: Type.Optional(
    Type.Object({
      driver: Type.Optional(Type.String()),
      options: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  ),
  labels: Type.Optional(Type.Union([Type.Record(Type.String(), Type.String()), Type.Array(Type.String())])),
  restart: Type.Optional(Type.String()),
  command: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  depends_on: Type.Optional(
    Type.Union([Type.Array(Type.String()), Type.Record(Type.String(), Type.Object({}))]),
  ),
});

/** A Compose file (the Compose Specification, without `version` and `name`: Bosun passes the project name). */
export const ComposeFile = Type.Object({
  services: Type.Record(Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$' }), ComposeService, {
    minProperties: 1,
  }),
  networks: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Object({}), Type.Null()]))),
  volumes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Object({}), Type.Null()]))),
});

export type ComposeFile = Static<typeof ComposeFile>;
export type ComposeService = Static<typeof ComposeService>;
export type PortSpec = Static<typeof PortSpec>;
