import { playbook, type InventoryHost } from '../lib/index.js';
import type { ComposeService, StackVariables } from '../roles/stack/index.js';
import { docker, stack } from '../roles/index.js';

/**
 * USE-CASES E: a web app on a small VPS (2 vCPU, 4 GB). Caddy on 80/443 with automatic HTTPS and security
 * headers; web (Next.js), worker and ingest (Go); PostgreSQL 16 and Redis 7 (AOF) on an internal network
 * only. Memory limits as written there (PostgreSQL 512 MB, Redis 128 MB, web 768 MB, worker 384 MB,
 * ingest 128 MB, Caddy 64 MB: 1984 MiB, ~2 GB of headroom); CPU limits adding up to 1.4 of the 1.5 CPUs
 * left after the OS reserve. Every service has a healthcheck (intervals from USE-CASES B) and rotated
 * json-file logs. Secrets come from the secret store by name (inventory `app_secrets`), never from the
 * inventory itself.
 *
 *   bosun run playbooks/stack-example.ts -i inventory/prod --env-file prod.env --check --diff
 *
 * Variables: inventory/prod/group_vars/app.yml (hosts in the `app` group).
 */
export default playbook({
  name: 'web app stack (USE-CASES E)',
  plays: [
    {
      name: 'docker',
      hosts: 'app',
      roles: [
        docker((host) => ({
          source: (host.vars.app_docker_source as 'docker' | 'distro' | undefined) ?? 'docker',
          users: [String(host.vars.app_owner ?? 'deploy')],
        })),
      ],
    },
    { name: 'web app stack', hosts: 'app', roles: [stack(webAppStack)] },
  ],
});

const logging = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };
const limits = (cpus: string, memory: string, pids: number, reserved?: string) => ({
  resources: { limits: { cpus, memory, pids }, ...(reserved ? { reservations: { memory: reserved } } : {}) },
});
/** Interval, timeout, retries, start period. */
const every = (interval: string, timeout: string, retries: number, startPeriod: string) => ({
  interval,
  timeout,
  retries,
  start_period: startPeriod,
});

/** The stack role's variables for one host of the `app` group. */
export function webAppStack(host: InventoryHost): Partial<StackVariables> {
  const vars = host.vars;
  const name = String(vars.app_name ?? 'webapp');
  const tag = String(vars.app_image_tag);
  const images = vars.app_images as Record<'web' | 'worker' | 'ingest', string>;
  const owner = String(vars.app_owner ?? 'deploy');
  const app = (image: string, extra: Partial<ComposeService>): ComposeService => ({
    image: `${image}:${tag}`,
    restart: 'unless-stopped',
    env_file: ['.env'],
    logging,
    ...extra,
  });
  return {
    name,
    owner,
    group: owner,
    envSecrets: vars.app_secrets as Record<string, string>,
    reserveMemoryMb: Number(vars.app_reserve_memory_mb ?? 1024),
    exposure: 'warn',
    files: [
      {
        path: 'caddy/Caddyfile',
        mode: '0644',
        content: [
          `{\n\temail ${String(vars.app_acme_email)}\n}`,
          `${String(vars.app_domain)} {`,
          '\tencode zstd gzip',
          '\theader {',
          '\t\tStrict-Transport-Security "max-age=31536000; includeSubDomains"',
          '\t\tX-Content-Type-Options nosniff',
          '\t\tX-Frame-Options DENY',
          '\t\tReferrer-Policy strict-origin-when-cross-origin',
          '\t\t-Server',
          '\t}',
          '\thandle /ingest/* {\n\t\treverse_proxy ingest:8080\n\t}',
          '\thandle {\n\t\treverse_proxy web:3000\n\t}',
          '}',
          '',
        ].join('\n'),
      },
      {
        path: 'redis/redis.conf',
        mode: '0644',
        // maxmemory ~10% under the container's 128 MB limit (USE-CASES B); AOF as E asks.
        content: 'appendonly yes\nappendfsync everysec\nmaxmemory 115mb\nmaxmemory-policy allkeys-lru\n',
      },
    ],
    compose: {
      services: {
        caddy: {
          image: String(vars.app_caddy_image ?? 'caddy:2.8'),
          restart: 'unless-stopped',
          ports: ['80:80', '443:443', '443:443/udp'],
          volumes: ['./caddy/Caddyfile:/etc/caddy/Caddyfile:ro', 'caddy_data:/data', 'caddy_config:/config'],
          networks: ['edge'],
          depends_on: ['web', 'ingest'],
          deploy: limits('0.1', '64m', 100),
          healthcheck: {
            test: ['CMD', 'wget', '-q', '--spider', 'http://127.0.0.1:2019/config/'],
            ...every('15s', '5s', 3, '10s'),
          },
          logging,
        },
        web: app(images.web, {
          environment: {
            NODE_ENV: 'production',
            // ~85% of the 768 MB limit (USE-CASES B).
            NODE_OPTIONS: '--max-old-space-size=652',
            DATABASE_URL: `postgres://${name}:\${POSTGRES_PASSWORD}@postgres:5432/${name}`,
            REDIS_URL: 'redis://:${REDIS_PASSWORD}@redis:6379/0',
          },
          networks: ['edge', 'backend'],
          depends_on: ['postgres', 'redis'],
          deploy: limits('0.5', '768m', 256, '384m'),
          healthcheck: {
            test: [
              'CMD',
              'node',
              '-e',
              "fetch('http://127.0.0.1:3000/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
            ],
            ...every('15s', '5s', 3, '30s'),
          },
        }),
        worker: app(images.worker, {
          command: ['node', 'worker.js'],
          environment: {
            NODE_ENV: 'production',
            NODE_OPTIONS: '--max-old-space-size=326',
            DATABASE_URL: `postgres://${name}:\${POSTGRES_PASSWORD}@postgres:5432/${name}`,
            REDIS_URL: 'redis://:${REDIS_PASSWORD}@redis:6379/0',
          },
          networks: ['backend'],
          depends_on: ['postgres', 'redis'],
          deploy: limits('0.25', '384m', 128),
          healthcheck: { test: ['CMD', 'node', 'healthcheck.js'], ...every('30s', '5s', 3, '30s') },
        }),
        ingest: app(images.ingest, {
          environment: { REDIS_URL: 'redis://:${REDIS_PASSWORD}@redis:6379/1', LISTEN: ':8080' },
          networks: ['edge', 'backend'],
          depends_on: ['redis'],
          deploy: limits('0.1', '128m', 64),
          healthcheck: { test: ['CMD', '/ingest', 'healthcheck'], ...every('15s', '3s', 3, '10s') },
        }),
        postgres: {
          image: 'postgres:16-bookworm',
          restart: 'unless-stopped',
          env_file: ['.env'],
          environment: { POSTGRES_USER: name, POSTGRES_DB: name },
          // shared_buffers 25% and effective_cache_size 75% of the 512 MB limit (USE-CASES B).
          command: [
            'postgres',
            '-c',
            'shared_buffers=128MB',
            '-c',
            'effective_cache_size=384MB',
            '-c',
            'random_page_cost=1.1',
          ],
          volumes: ['pgdata:/var/lib/postgresql/data'],
          networks: ['backend'],
          deploy: limits('0.35', '512m', 200, '256m'),
          healthcheck: {
            test: ['CMD-SHELL', `pg_isready -U ${name} -d ${name}`],
            ...every('10s', '3s', 5, '30s'),
          },
          logging,
        },
        redis: {
          image: 'redis:7-bookworm',
          restart: 'unless-stopped',
          env_file: ['.env'],
          command: [
            'sh',
            '-c',
            'exec redis-server /usr/local/etc/redis/redis.conf --requirepass "$$REDIS_PASSWORD"',
          ],
          volumes: ['./redis/redis.conf:/usr/local/etc/redis/redis.conf:ro', 'redisdata:/data'],
          networks: ['backend'],
          deploy: limits('0.1', '128m', 64),
          healthcheck: {
            test: ['CMD-SHELL', 'redis-cli -a "$$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG'],
            ...every('10s', '3s', 5, '10s'),
          },
          logging,
        },
      },
      networks: { edge: {}, backend: { internal: true } },
      volumes: { pgdata: {}, redisdata: {}, caddy_data: {}, caddy_config: {} },
    },
  };
}
