import { Type, type Static } from '@sinclair/typebox';

/** Docker's release key, as its install guide gives it: the downloaded key must match it. */
export const dockerKeyFingerprint = '9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88';

const packageName = Type.String({ pattern: '^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$' });

/** Settings written to /etc/docker/daemon.json; each is checked here, before anything on a host changes. */
export const daemonVariables = Type.Object(
  {
    /** `log-opts.max-size` of the json-file log driver: a number with k, m or g. */
    logMaxSize: Type.String({ default: '10m', pattern: '^[0-9]+[kmg]$' }),
    /** `log-opts.max-file`: log files kept per container. */
    logMaxFile: Type.Integer({ default: 3, minimum: 1, maximum: 100 }),
    /** `live-restore`: containers keep running while the daemon restarts (or is upgraded). */
    liveRestore: Type.Boolean({ default: true }),
    /** `default-address-pools`: the subnets Docker carves networks from, e.g. to avoid a clash with a VPN. */
    defaultAddressPools: Type.Optional(
      Type.Array(
        Type.Object(
          {
            base: Type.String({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$' }),
            size: Type.Integer({ minimum: 1, maximum: 32 }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    /** `userland-proxy`: false lets iptables alone forward published ports (no docker-proxy processes). */
    userlandProxy: Type.Optional(Type.Boolean()),
    /** `registry-mirrors`: pull-through mirrors of Docker Hub. */
    registryMirrors: Type.Optional(Type.Array(Type.String({ pattern: '^https?://\\S+$' }))),
  },
  { default: {}, additionalProperties: false },
);

export const dockerVariables = Type.Object({
  /**
   * 'docker': Docker's own apt repository (docker-ce, compose v2 plugin), the production choice;
   * 'distro': the distribution's docker.io and docker-compose (v1 on Debian 12), which needs no internet
   * beyond the distribution's archive.
   */
  // An enum rather than a union of literals: ajv then says "must be one of [...]".
  source: Type.Unsafe<'docker' | 'distro'>({ type: 'string', enum: ['docker', 'distro'], default: 'docker' }),
  /** Packages to install instead of the source's defaults, e.g. to pin `docker-ce=5:27.3.1-1~debian.12~bookworm`. */
  packages: Type.Optional(Type.Array(packageName, { minItems: 1 })),
  /** Base URL of Docker's repository (or a mirror of it); `/${facts.os.id}` is appended. */
  repositoryUrl: Type.String({
    default: 'https://download.docker.com/linux',
    pattern: '^https?://\\S+[^/]$',
  }),
  /** The repository's signing key as armored text; unset: downloaded by the host from `${repositoryUrl}/${os}/gpg`. */
  repositoryKey: Type.Optional(Type.String({ minLength: 1 })),
  /** The fingerprint the repository's key must have. */
  repositoryKeyFingerprint: Type.String({
    default: dockerKeyFingerprint,
    pattern: '^\\s*(([0-9A-Fa-f]\\s*){40}|([0-9A-Fa-f]\\s*){64})$',
  }),
  daemon: daemonVariables,
  /** More daemon.json settings, merged last (nested objects key by key): they win over `daemon`. */
  extraDaemonSettings: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  /** daemon.json is exactly these settings: keys set by hand (or dropped from the variables) are removed. */
  daemonJsonExclusive: Type.Boolean({ default: false }),
  /** Users added to the `docker` group (root-equivalent: members control the daemon). */
  users: Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,30}\\$?$' }), { default: [] }),
});

export type DockerVariables = Static<typeof dockerVariables>;
export type DaemonVariables = Static<typeof daemonVariables>;
