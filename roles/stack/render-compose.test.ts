import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { ComposeFile } from './compose-schema.js';
import { configHashLabel } from '../../lib/resources/docker/compose-project.js';
import { renderCompose } from './render-compose.js';

const compose = (): ComposeFile => ({
  services: {
    web: {
      image: 'web:1',
      ports: ['127.0.0.1:8080:80', '22:22'],
      volumes: ['./nginx/site.conf:/etc/nginx/conf.d/default.conf:ro'],
      deploy: { resources: { limits: { cpus: '0.25', memory: '64m', pids: 100 } } },
      labels: ['team=web'],
    },
    db: {
      image: 'db:1',
      env_file: ['.env'],
      volumes: ['pgdata:/var/lib/postgresql'],
      networks: ['backend'],
    },
    cache: {
      image: 'redis:1',
      command: ['redis-server', '/etc/redis/redis.conf'],
      volumes: [{ type: 'bind', source: '/opt/app/redis', target: '/etc/redis' }],
      healthcheck: { test: ['CMD-SHELL', 'redis-cli -a "$$REDIS_PASSWORD" ping'] },
    },
    worker: { image: 'worker:1', environment: { DATABASE_URL: 'postgres://app:${DB_PASSWORD}@db/app' } },
  },
  networks: { backend: { internal: true } },
  volumes: { pgdata: null },
});

const files = {
  'nginx/site.conf': 'a'.repeat(64),
  'redis/redis.conf': 'b'.repeat(64),
  '.env': 'c'.repeat(64),
  'backup.sh': 'd'.repeat(64),
};
const inputs = { files, directory: '/opt/app', envFile: '.env' };

describe('renderCompose', () => {
  it('writes YAML that Compose v1 (YAML 1.1) reads back the same, with pids as pids_limit and the hash labels', () => {
    const { text, hashes } = renderCompose(compose(), inputs);
    assert.match(text, /^# Managed by Bosun/);
    assert.match(text, /- "22:22"/, 'quoted: YAML 1.1 reads an unquoted 22:22 as the number 1342');
    const parsed = parse(text, { version: '1.1' }) as ComposeFile;
    assert.deepEqual(parsed.services.web.ports, ['127.0.0.1:8080:80', '22:22']);
    assert.deepEqual(parsed.services.web.deploy, { resources: { limits: { cpus: '0.25', memory: '64m' } } });
    assert.equal((parsed.services.web as Record<string, unknown>).pids_limit, 100);
    assert.deepEqual(parsed.services.web.labels, { team: 'web', [configHashLabel]: hashes.web });
    assert.deepEqual(parsed.services.db.labels, { [configHashLabel]: hashes.db });
    assert.deepEqual(parsed.volumes, { pgdata: null });
    assert.deepEqual(Object.keys(hashes), ['web', 'db', 'cache', 'worker']);
    for (const hash of Object.values(hashes)) assert.match(hash, /^[0-9a-f]{20}$/);
  });

  it('is stable: the same stack, keys in another order, hashes the same', () => {
    const reordered = compose();
    reordered.services.db = {
      volumes: ['pgdata:/var/lib/postgresql'],
      networks: ['backend'],
      env_file: ['.env'],
      image: 'db:1',
    };
    assert.deepEqual(renderCompose(reordered, inputs).hashes, renderCompose(compose(), inputs).hashes);
  });

  it('a changed file changes the hash of exactly the services that mount or read it', () => {
    const before = renderCompose(compose(), inputs).hashes;
    const changed = (file: string) => {
      const after = renderCompose(compose(), {
        ...inputs,
        files: { ...files, [file]: 'e'.repeat(64) },
      }).hashes;
      return Object.keys(before).filter((service) => before[service] !== after[service]);
    };
    assert.deepEqual(changed('nginx/site.conf'), ['web']);
    assert.deepEqual(changed('redis/redis.conf'), ['cache'], 'absolute bind source inside the directory');
    assert.deepEqual(
      changed('.env'),
      ['db', 'worker'],
      'env_file, and ${VAR} interpolation; $$ is no interpolation',
    );
    assert.deepEqual(changed('backup.sh'), []);
  });

  it('a changed network or named volume definition changes the services using it', () => {
    const before = renderCompose(compose(), inputs).hashes;
    const other = compose();
    other.networks = { backend: { internal: false } };
    const after = renderCompose(other, inputs).hashes;
    assert.deepEqual(
      Object.keys(before).filter((service) => before[service] !== after[service]),
      ['db'],
    );
  });
});
