import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { JsonReport } from '../../lib/output/index.js';
import type { RunResult, TaskResult } from '../../lib/engine/results.js';
import {
  diffFingerprints,
  fingerprintHost,
  runBosun,
  scenario,
  type ScenarioContext,
} from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { loginUnits } from './login-units.js';
import { buildTestImages, testImages } from './test-images.js';

const images = await testImages();
const playbookFile = join(import.meta.dirname, 'fixtures', 'stack-playbook.ts');
// The env secret of the stack; every run below must keep it (and its rotated successor) out of its output.
const firstPassword = `pg-${randomBytes(12).toString('hex')}`;
const rotatedPassword = `pg-${randomBytes(12).toString('hex')}`;
process.env.STACK_TEST_PG_PASSWORD = firstPassword;

const stackTasks = (result: RunResult) => result.tasks.filter((task) => task.role === 'stack');
const changed = (result: RunResult) => result.tasks.filter((task) => task.status === 'changed');
const byTask = (result: RunResult, name: string): TaskResult => {
  const found = result.tasks.find((task) => task.task === name);
  assert.ok(found, `no task named ${name} in the run`);
  return found;
};

describe('stack role', function () {
  this.timeout(40 * 60_000);

  before('build the test images FROM the host image (cached by the hash of their recipes)', () =>
    buildTestImages(images),
  );

  scenario({
    name: 'stack role: nginx, PostgreSQL and Redis shipped without a registry, Compose v1',
    playbook: playbookFile,
    hosts: [{ name: 'stack-1', groups: ['app'], options: { dockerInside: true } }],
    groupVars: { app: { stack_images: images } },
    timeoutMs: 20 * 60_000,
    verify: async (ctx) => {
      const host = ctx.host();
      checkPredictedTheStack(ctx);
      await limitsConfirmedByDockerInspect(host);
      await servicesHealthyAndServing(host);
      reportNoOpRerun(ctx);
      secretNeverInRunOutput(ctx);
      await budgetOverflowRefusedBeforeAnyChange(ctx);
      await exposedPortRefusedByPolicy(ctx);
      await rotatedSecretNeverPrinted(ctx);
      await configChangeRecreatesOnlyItsService(ctx);
      await stateAbsentKeepsVolumes(ctx);
    },
  });
});

/** The check run on the fresh host predicted the whole stack, marked as depending on Docker's install. */
function checkPredictedTheStack(ctx: ScenarioContext): void {
  const check = ctx.runs.check!.result;
  assert.deepEqual(
    stackTasks(check).map((task) => [task.task, task.status, task.afterEarlierChanges ?? false]),
    [
      ['inputs and resource budget', 'ok', false],
      ['published ports and the firewall', 'ok', false],
      ['directory /opt/shop', 'changed', false],
      ['directory redis', 'changed', false],
      ['directory web', 'changed', false],
      ['file web/index.html', 'changed', true],
      ['file redis/redis.conf', 'changed', true],
      ['secrets .env', 'changed', true],
      ['ship images', 'changed', true],
      ['compose file docker-compose.yml', 'changed', true],
      ['stack shop up and healthy', 'changed', true],
    ],
  );
  assert.deepEqual(byTask(check, 'stack shop up and healthy').changes, [
    'create web',
    'create db',
    'create cache',
  ]);
  assert.deepEqual(byTask(check, 'secrets .env').changes, [
    'create /opt/shop/.env (mode 0600): POSTGRES_PASSWORD',
  ]);
  assert.match(
    byTask(check, 'inputs and resource budget').message ?? '',
    /^limits 1\.00\/1\.50 CPUs, 384 MiB\//,
  );
  const converge = ctx.runs.converge!.result;
  const ship = byTask(converge, 'ship images');
  console.log(
    `      converge: ${converge.durationMs} ms; ship images ${ship.durationMs} ms; up and healthy ${byTask(converge, 'stack shop up and healthy').durationMs} ms`,
  );
  assert.equal(ship.changes.length, 3);
  for (const line of byTask(converge, 'ship images').changes)
    assert.match(line, /^ship bosun-stack-test\/\w+:\w+ \(sha256:\w{12}, \d+ MB, not on the host\)$/);
}

interface Limits {
  Memory: number;
  NanoCpus: number;
  MemoryReservation: number;
  PidsLimit: number;
}

async function limitsOf(host: ThrowawayHost): Promise<Record<string, Limits>> {
  const format =
    '{{index .Config.Labels "com.docker.compose.service"}} {{json .HostConfig.Memory}} {{json .HostConfig.NanoCpus}} {{json .HostConfig.MemoryReservation}} {{json .HostConfig.PidsLimit}}';
  const { code, output } = await host.exec(
    `docker inspect --format '${format}' $(docker ps -q --filter label=com.docker.compose.project=shop)`,
  );
  assert.equal(code, 0, output);
  return Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => {
        const [service, Memory, NanoCpus, MemoryReservation, PidsLimit] = line.split(' ');
        return [
          service,
          {
            Memory: +Memory,
            NanoCpus: +NanoCpus,
            MemoryReservation: +MemoryReservation,
            PidsLimit: +PidsLimit,
          },
        ];
      }),
  );
}

/** What `docker inspect` says about each container's HostConfig: the limits of the Compose file. */
async function limitsConfirmedByDockerInspect(host: ThrowawayHost): Promise<void> {
  const limits = await limitsOf(host);
  for (const [service, value] of Object.entries(limits).sort())
    console.log(
      `      docker inspect ${service}: HostConfig.Memory ${value.Memory}, NanoCpus ${value.NanoCpus}, ` +
        `MemoryReservation ${value.MemoryReservation}, PidsLimit ${value.PidsLimit}`,
    );
  const mib = 1024 * 1024;
  assert.deepEqual(limits.web, {
    Memory: 64 * mib,
    NanoCpus: 250_000_000,
    MemoryReservation: 32 * mib,
    PidsLimit: 64,
  });
  assert.deepEqual(limits.db, {
    Memory: 256 * mib,
    NanoCpus: 500_000_000,
    MemoryReservation: 128 * mib,
    PidsLimit: 200,
  });
  assert.deepEqual(limits.cache, {
    Memory: 64 * mib,
    NanoCpus: 250_000_000,
    MemoryReservation: 0,
    PidsLimit: 64,
  });
}

async function servicesHealthyAndServing(host: ThrowawayHost): Promise<void> {
  const health = await host.exec(
    `docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}}={{.State.Health.Status}}' $(docker ps -q --filter label=com.docker.compose.project=shop) | sort`,
  );
  assert.equal(health.output, 'cache=healthy\ndb=healthy\nweb=healthy\n');
  assert.equal((await host.exec('curl -fsS http://127.0.0.1:8080/')).output, '<h1>shop</h1>\n');
  const maxmemory = await host.exec(
    `docker exec ${await containerOf(host, 'cache')} redis-cli config get maxmemory`,
  );
  assert.equal(maxmemory.output, 'maxmemory\n50331648\n', 'redis.conf from the template: maxmemory 48mb');
  const files = await host.exec(
    'stat -c "%n %a %U" /opt/shop /opt/shop/.env /opt/shop/docker-compose.yml /opt/shop/redis/redis.conf',
  );
  assert.equal(
    files.output,
    '/opt/shop 750 root\n/opt/shop/.env 600 root\n/opt/shop/docker-compose.yml 640 root\n/opt/shop/redis/redis.conf 644 root\n',
  );
}

/** The idempotence run changed nothing (the scenario asserts it); how long it took, for the closing note. */
function reportNoOpRerun(ctx: ScenarioContext): void {
  const run = ctx.runs.idempotence!.result;
  const role = stackTasks(run);
  const roleMs = role.reduce((sum, task) => sum + task.durationMs, 0);
  const roundTrips = role.reduce((sum, task) => sum + task.roundTrips, 0);
  console.log(
    `      no-op re-run: ${run.durationMs} ms in all (both plays, facts included); the stack role's ${role.length} ` +
      `tasks ${roleMs} ms, ${roundTrips} round trips; ${changed(run).length} changed`,
  );
  assert.equal(changed(run).length, 0);
  assert.ok(role.every((task) => task.status === 'ok' || task.status === 'skipped'));
}

function secretNeverInRunOutput(ctx: ScenarioContext): void {
  for (const [step, run] of Object.entries(ctx.runs)) {
    assert.ok(!run!.output.includes(firstPassword), `the ${step} run printed the secret`);
    assert.ok(!JSON.stringify(run!.result).includes(firstPassword), `the ${step} result holds the secret`);
  }
  assert.match(
    ctx.runs.check!.output,
    /\+POSTGRES_PASSWORD=\*\*\*/,
    'the check diff shows the variable, masked',
  );
}

async function containerOf(host: ThrowawayHost, service: string): Promise<string> {
  const { output } = await host.exec(
    `docker ps -q --filter label=com.docker.compose.project=shop --filter label=com.docker.compose.service=${service}`,
  );
  const id = output.trim();
  assert.match(id, /^[0-9a-f]{12}$/, `one running container for ${service}`);
  return id;
}

async function containerIds(host: ThrowawayHost): Promise<Record<string, string>> {
  return {
    web: await containerOf(host, 'web'),
    db: await containerOf(host, 'db'),
    cache: await containerOf(host, 'cache'),
  };
}

/** A stack that does not fit the host fails at the first task: nothing written, no container touched. */
async function budgetOverflowRefusedBeforeAnyChange(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const before = { fingerprint: await fingerprintHost(host), containers: await containerIds(host) };
  const run = await ctx.run({ extraVars: { cache_memory: '64g' } });
  const failure = run.result.hosts[0].failure;
  assert.equal(failure?.task, 'inputs and resource budget');
  assert.match(failure?.message ?? '', /does not fit the host's resource budget \(nothing was changed\)/);
  assert.match(failure?.message ?? '', /^cache +0\.25 +64\.0 GiB +- +- +64$/m, 'the per-service table');
  assert.match(
    failure?.message ?? '',
    /^- memory limits add up to 64\.3 GiB, more than the [\d.]+ GiB available$/m,
  );
  assert.deepEqual(
    stackTasks(run.result).map((task) => [task.task, task.status]),
    [['inputs and resource budget', 'failed']],
  );
  assert.deepEqual(changed(run.result), []);
  assert.deepEqual(
    diffFingerprints(before.fingerprint, await fingerprintHost(host), { ignoreUnits: loginUnits }),
    [],
  );
  assert.deepEqual(await containerIds(host), before.containers);
}

/** With `exposure: 'fail'`, a port published on every interface without a firewall stops the run first. */
async function exposedPortRefusedByPolicy(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const before = await fingerprintHost(host);
  const run = await ctx.run({ extraVars: { web_ports: ['8080:80'], stack_exposure: 'fail' } });
  const failure = run.result.hosts[0].failure;
  assert.equal(failure?.task, 'published ports and the firewall');
  assert.match(failure?.message ?? '', /web: \*:8080→80\/tcp: no firewall is active \(ufw absent\)/);
  assert.deepEqual(changed(run.result), []);
  assert.deepEqual(diffFingerprints(before, await fingerprintHost(host), { ignoreUnits: loginUnits }), []);

  // The default policy only warns, on the task's result, and goes on (shown here in check mode).
  const warned = await ctx.run({ check: true, extraVars: { web_ports: ['8080:80'] } });
  assert.match(
    byTask(warned.result, 'published ports and the firewall').message ?? '',
    /^warning: 1 published port/,
  );
}

/**
 * A rotated secret through the CLI with --diff and --json: neither the old value nor the new one appears
 * in any output; the env file shows the variable masked; only the service reading it is recreated.
 */
async function rotatedSecretNeverPrinted(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const cli = (extra: string[]) =>
    runBosun(
      [
        'run',
        playbookFile,
        '-i',
        ctx.fleet.inventoryFile,
        '--known-hosts-file',
        ctx.fleet.knownHostsFile,
        '--diff',
        '--json',
        ...extra,
      ],
      { env: { STACK_TEST_PG_PASSWORD: rotatedPassword } },
    );
  const assertSecretsAbsent = (what: string, text: string) => {
    assert.ok(!text.includes(firstPassword), `${what} shows the old secret`);
    assert.ok(!text.includes(rotatedPassword), `${what} shows the new secret`);
  };

  const check = await cli(['--check']);
  assertSecretsAbsent('bosun run --check --diff --json', check.stdout + check.stderr);
  assert.equal(check.code, 0, check.stderr);
  const predicted = JSON.parse(check.stdout) as JsonReport;
  assert.deepEqual(byTask(predicted, 'secrets .env').changes, ['POSTGRES_PASSWORD: new value']);
  assert.match(
    byTask(predicted, 'secrets .env').diff ?? '',
    /^-POSTGRES_PASSWORD=\*\*\*\n\+POSTGRES_PASSWORD=\*\*\* \(new value\)$/m,
  );
  assert.deepEqual(byTask(predicted, 'stack shop up and healthy').changes, [
    'recreate db (configuration changed)',
  ]);

  const before = await containerIds(host);
  const apply = await cli([]);
  assertSecretsAbsent('bosun run --diff --json', apply.stdout + apply.stderr);
  assert.equal(apply.code, 0, apply.stderr + apply.stdout.slice(-3000));
  const after = await containerIds(host);
  assert.equal(after.web, before.web);
  assert.equal(after.cache, before.cache);
  assert.notEqual(after.db, before.db, 'db reads .env: recreated');
  const env = await host.exec(`docker exec ${after.db} printenv POSTGRES_PASSWORD`);
  assert.ok(env.output.trim() === rotatedPassword, 'the db container has the rotated password');
  const login = await host.exec(
    `docker exec ${after.db} sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U postgres -tAc "select 1"'`,
  );
  assert.equal(login.output, '1\n', 'PostgreSQL accepts the rotated password over TCP');
  const envFile = await host.exec('stat -c %a /opt/shop/.env');
  assert.equal(envFile.output, '600\n');
  // The in-process runs that follow read the same secret.
  process.env.STACK_TEST_PG_PASSWORD = rotatedPassword;
}

/** A changed redis.conf: check names exactly the cache, the run recreates only it, the next run changes nothing. */
async function configChangeRecreatesOnlyItsService(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const extraVars = { redis_maxmemory: '32mb' };
  const check = await ctx.run({ check: true, diff: true, extraVars });
  assert.deepEqual(
    changed(check.result).map((task) => [task.task, task.changes]),
    [
      ['file redis/redis.conf', ['content']],
      ['compose file docker-compose.yml', ['content']],
      ['stack shop up and healthy', ['recreate cache (configuration changed)']],
    ],
  );
  assert.match(
    byTask(check.result, 'file redis/redis.conf').diff ?? '',
    /^-maxmemory 48mb\n\+maxmemory 32mb$/m,
  );

  const before = await containerIds(host);
  const run = await ctx.run({ extraVars });
  assert.equal(run.result.hosts[0].failure, undefined, run.output.slice(-3000));
  const after = await containerIds(host);
  assert.equal(after.web, before.web, 'web untouched');
  assert.equal(after.db, before.db, 'db untouched');
  assert.notEqual(after.cache, before.cache, 'cache recreated');
  const maxmemory = await host.exec(`docker exec ${after.cache} redis-cli config get maxmemory`);
  assert.equal(maxmemory.output, 'maxmemory\n33554432\n');

  const again = await ctx.run({ extraVars });
  assert.deepEqual(changed(again.result), []);
}

/** `state: absent` takes the stack down and keeps its volumes; a second run changes nothing. */
async function stateAbsentKeepsVolumes(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const extraVars = { stack_state: 'absent', redis_maxmemory: '32mb' };
  const down = await ctx.run({ extraVars });
  assert.deepEqual(
    changed(down.result).map((task) => [task.task, task.changes]),
    [['take down stack shop', ['take down shop: cache, db, web (volumes kept)']]],
  );
  assert.equal((await host.exec('docker ps -aq --filter label=com.docker.compose.project=shop')).output, '');
  assert.equal(
    (await host.exec('docker volume ls -q --filter label=com.docker.compose.project=shop | sort')).output,
    'shop_pgdata\nshop_redisdata\n',
  );
  assert.deepEqual(changed((await ctx.run({ extraVars })).result), []);
}
