import assert from 'node:assert/strict';
import { custom, run } from '../actions.js';
import {
  composeProject,
  parseProbe,
  planComposeProject,
  type ComposeContainer,
  type ComposeProjectDesired,
  type ComposeProjectState,
} from './compose-project.js';

const imageA = `sha256:${'a'.repeat(64)}`;
const imageB = `sha256:${'b'.repeat(64)}`;

// What the probe printed on a Debian 12 host with Compose v1, for one healthy Redis container.
const probeOutput = [
  'compose=v1',
  'file=1',
  `container\tredis\t08f74f7fdc85\t${imageA}\trunning\t0\thealthy\t<no value>\tFalse`,
  `container\tweb\t1c2d3e4f5a6b\t${imageB}\texited\t137\t\tfeedbeef\tFalse`,
  `container\tredis\t99aa88bb77cc\t${imageA}\texited\t0\t\t\tTrue`,
  `image\tscratch-redis:1\t${imageA}`,
  'image\tweb:1\t',
  'volume\tt_data',
  '',
].join('\n');

const container = (overrides: Partial<ComposeContainer>): ComposeContainer => ({
  service: 'web',
  id: 'c1',
  image: imageA,
  status: 'running',
  exitCode: 0,
  health: 'healthy',
  configHash: 'h-web',
  oneoff: false,
  ...overrides,
});
const state = (overrides: Partial<ComposeProjectState> = {}): ComposeProjectState => ({
  compose: 'v2',
  fileExists: true,
  containers: [container({}), container({ service: 'db', id: 'c2', configHash: 'h-db', image: imageB })],
  imageIds: { 'web:1': imageA, 'db:1': imageB },
  volumes: ['app_pgdata'],
  ...overrides,
});
const desired = (overrides: Partial<ComposeProjectDesired> = {}): ComposeProjectDesired => ({
  project: 'app',
  directory: '/opt/app',
  file: 'docker-compose.yml',
  state: 'present',
  services: { web: { configHash: 'h-web', image: 'web:1' }, db: { configHash: 'h-db', image: 'db:1' } },
  shippedImages: ['web:1'],
  pull: true,
  healthTimeoutMs: 120_000,
  removeVolumes: false,
  ...overrides,
});
const step = (command: string, what: string) =>
  run(`cd /opt/app && ${command}`, `${what} (compose project app)`, 'COMPOSE_FAILED', { timeoutMs: 900_000 });

describe('parseProbe', () => {
  it('reads the compose flavour, the file, containers, image ids and volumes', () => {
    const parsed = parseProbe(probeOutput, ['scratch-redis:1', 'web:1']);
    assert.equal(parsed.compose, 'v1');
    assert.equal(parsed.fileExists, true);
    assert.deepEqual(parsed.containers, [
      {
        service: 'redis',
        id: '08f74f7fdc85',
        image: imageA,
        status: 'running',
        exitCode: 0,
        health: 'healthy',
        configHash: '',
        oneoff: false,
      },
      {
        service: 'web',
        id: '1c2d3e4f5a6b',
        image: imageB,
        status: 'exited',
        exitCode: 137,
        health: '',
        configHash: 'feedbeef',
        oneoff: false,
      },
      {
        service: 'redis',
        id: '99aa88bb77cc',
        image: imageA,
        status: 'exited',
        exitCode: 0,
        health: '',
        configHash: '',
        oneoff: true,
      },
    ]);
    assert.deepEqual(parsed.imageIds, { 'scratch-redis:1': imageA, 'web:1': undefined });
    assert.deepEqual(parsed.volumes, ['t_data']);
  });
});

describe('planComposeProject', () => {
  it('changes nothing when every service runs with its hash label and image', () => {
    assert.deepEqual(planComposeProject(state(), desired()), { actions: [], changes: [] });
  });

  it('validates the file, pulls the images that are not shipped, brings the project up, waits for health', () => {
    const plan = planComposeProject(state({ containers: [] }), desired());
    assert.deepEqual(plan.actions, [
      step('docker compose -p app -f docker-compose.yml config -q', 'compose config'),
      step('docker compose -p app -f docker-compose.yml pull -q db', 'compose pull'),
      step('docker compose -p app -f docker-compose.yml up -d --remove-orphans', 'compose up'),
      custom('compose-wait-healthy', { services: ['web', 'db'], timeoutMs: 120_000 }),
    ]);
  });

  it('runs docker-compose for Compose v1, and pulls nothing when every image is shipped or pull is off', () => {
    const v1 = state({ compose: 'v1', containers: [] });
    const up = [
      step('docker-compose -p app -f docker-compose.yml config -q', 'compose config'),
      step('docker-compose -p app -f docker-compose.yml up -d --remove-orphans', 'compose up'),
      custom('compose-wait-healthy', { services: ['web', 'db'], timeoutMs: 120_000 }),
    ];
    assert.deepEqual(planComposeProject(v1, desired({ shippedImages: ['web:1', 'db:1'] })).actions, up);
    assert.deepEqual(planComposeProject(v1, desired({ pull: false })).actions, up);
  });

  it('quotes the directory and file of the project in its commands', () => {
    const plan = planComposeProject(
      state({ containers: [] }),
      desired({ directory: "/opt/it's", file: 'my compose.yml', pull: false }),
    );
    assert.deepEqual(plan.actions?.[0], {
      ...step('', 'compose config'),
      command: `cd '/opt/it'\\''s' && docker compose -p app -f 'my compose.yml' config -q`,
    });
  });

  it('names each service to create, recreate (configuration or image) or start, and orphans', () => {
    const current = state({
      containers: [
        container({ configHash: 'old' }),
        container({ service: 'db', id: 'c2', configHash: 'h-db', image: imageA }),
        container({ service: 'cache', id: 'c3', configHash: 'h-cache', status: 'exited', exitCode: 137 }),
        container({ service: 'old', id: 'c4' }),
        container({ service: 'queue', id: 'c5', oneoff: true }),
      ],
    });
    const services = {
      ...desired().services,
      cache: { configHash: 'h-cache', image: 'web:1' },
      queue: { configHash: 'h-queue', image: 'web:1' },
    };
    assert.deepEqual(planComposeProject(current, desired({ services })).changes, [
      'recreate web (configuration changed)',
      'recreate db (image changed)',
      'start cache (exited 137)',
      'create queue',
      'remove orphan old',
    ]);
  });

  it('counts a one-shot job that exited 0 as done, and an unknown image id as no change', () => {
    const current = state({
      containers: [
        container({ status: 'exited', exitCode: 0, health: '' }),
        container({ service: 'db', configHash: 'h-db', image: imageA }),
      ],
      imageIds: { 'web:1': imageA, 'db:1': undefined },
    });
    assert.deepEqual(planComposeProject(current, desired()).changes, []);
  });

  it('waits for an earlier task that installs Docker, and fails in a real run without it', () => {
    const plan = planComposeProject(state({ compose: 'none', containers: [] }), desired());
    assert.deepEqual(plan, {
      actions: [custom('compose-missing')],
      changes: ['create web', 'create db'],
      needsEarlierChanges: 'docker compose is not installed yet',
    });
  });

  it('takes the stack down, keeping volumes unless asked', () => {
    const down = planComposeProject(state(), desired({ state: 'absent' }));
    assert.deepEqual(down.changes, ['take down app: db, web (volumes kept)']);
    assert.deepEqual(down.actions, [
      step('docker compose -p app -f docker-compose.yml down --remove-orphans', 'compose down'),
    ]);
    const all = planComposeProject(state(), desired({ state: 'absent', removeVolumes: true }));
    assert.deepEqual(all.changes, ['take down app: db, web', 'remove volumes app_pgdata']);
    assert.deepEqual(all.actions, [
      step('docker compose -p app -f docker-compose.yml down --remove-orphans -v', 'compose down'),
    ]);
    assert.deepEqual(
      planComposeProject(
        state({ containers: [], volumes: [] }),
        desired({ state: 'absent', removeVolumes: true }),
      ),
      { actions: [], changes: [] },
    );
  });

  it('removes a project whose Compose file is gone by its labels', () => {
    const label = 'label=com.docker.compose.project=app';
    const plan = planComposeProject(
      state({ fileExists: false }),
      desired({ state: 'absent', removeVolumes: true }),
    );
    assert.deepEqual(plan.actions, [
      run(
        `ids=$(docker ps -aq --filter ${label}) && { [ -z "$ids" ] || docker rm -f $ids >/dev/null; } && ` +
          `nets=$(docker network ls -q --filter ${label}) && { [ -z "$nets" ] || docker network rm $nets >/dev/null; } && ` +
          `vols=$(docker volume ls -q --filter ${label}) && { [ -z "$vols" ] || docker volume rm $vols >/dev/null; }`,
        'removing compose project app',
        'COMPOSE_FAILED',
      ),
    ]);
  });

  it('cannot take a project down without Compose: the real run fails', () => {
    const plan = planComposeProject(state({ compose: 'none' }), desired({ state: 'absent' }));
    assert.deepEqual(plan, {
      actions: [custom('compose-missing')],
      changes: ['take down app: db, web (volumes kept)'],
    });
  });
});

describe('composeProject', () => {
  it('refuses a project name Compose would rewrite', () => {
    assert.throws(
      () => composeProject({ project: 'My App', directory: '/opt/app' }),
      /use lowercase letters/,
    );
  });
});
