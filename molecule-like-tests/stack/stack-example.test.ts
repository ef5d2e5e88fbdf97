import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { playbook } from '../../lib/engine/playbook.js';
import { loadPlaybook } from '../../lib/engine/load-playbook.js';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import {
  diffFingerprints,
  fingerprintHost,
  runInProcess,
  ThrowawayFleet,
  type CapturedRun,
} from '../../lib/testing/index.js';
import { webAppStack } from '../../playbooks/stack-example.js';
import { docker, stack } from '../../roles/index.js';
import { computeBudget, formatBudgetTable, type StackVariables } from '../../roles/stack/index.js';
import { prepareStack } from '../../roles/stack/prepare-stack.js';
import { loginUnits } from './login-units.js';

const root = join(import.meta.dirname, '../..');
const appVars = parse(readFileSync(join(root, 'inventory/prod/group_vars/app.yml'), 'utf8')) as Record<
  string,
  unknown
>;
const exampleHost: InventoryHost = {
  name: 'vps-e',
  groups: ['all', 'app'],
  vars: appVars,
  connection: { connection: 'ssh', address: 'vps-e', become: false },
};
const secretNames = Object.values(appVars.app_secrets as Record<string, string>);

describe('playbooks/stack-example.ts (USE-CASES E)', function () {
  this.timeout(20 * 60_000);

  it('keeps the limits of USE-CASES E and a healthcheck and rotated logs on every service', () => {
    const { compose } = webAppStack(exampleHost);
    const services = compose!.services;
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(services).map(([name, s]) => [name, s.deploy?.resources?.limits?.memory]),
      ),
      { caddy: '64m', web: '768m', worker: '384m', ingest: '128m', postgres: '512m', redis: '128m' },
    );
    for (const [name, service] of Object.entries(services)) {
      assert.ok(service.healthcheck?.test, `${name} has a healthcheck`);
      assert.equal(service.logging?.options?.['max-size'], '10m', `${name} rotates its logs`);
    }
    assert.deepEqual(services.postgres.networks, ['backend']);
    assert.deepEqual(services.redis.networks, ['backend']);
    assert.deepEqual(compose!.networks?.backend, { internal: true }, 'databases on an internal network only');
    assert.deepEqual(services.caddy.ports, ['80:80', '443:443', '443:443/udp']);
  });

  it('fits the budget of the 2 vCPU / 4 GB host of E, with room to spare', () => {
    const vars = webAppStack(exampleHost);
    // MemTotal of a "4 GB" VPS is a little under 4096 MiB.
    const report = computeBudget(
      vars.compose!,
      { cpus: 2, memoryMb: 3_918 },
      {
        reserveMemoryMb: vars.reserveMemoryMb ?? 1024,
        reserveCpus: 0.5,
        overcommitCpu: false,
      },
    );
    console.log(formatBudgetTable(report).replace(/^/gm, '      '));
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.unlimited, []);
    assert.equal(report.total.memoryLimitMiB, 1984, '~2 GB of limits');
    assert.ok(Math.abs(report.total.cpuLimit - 1.4) < 1e-9);
    assert.ok(
      report.available.memoryMiB - report.total.memoryLimitMiB > 850,
      'headroom beyond the OS reserve',
    );
  });

  describe('against a throwaway host with Docker (Compose v1), images not pullable here', () => {
    let fleet: ThrowawayFleet | undefined;
    const saved: Record<string, string | undefined> = {};

    before('start the host and install Docker from Debian with the docker role', async () => {
      for (const name of secretNames) {
        saved[name] = process.env[name];
        process.env[name] = `${name.toLowerCase()}-${randomBytes(8).toString('hex')}`;
      }
      fleet = await ThrowawayFleet.start(
        [{ name: 'webapp-1', groups: ['app'], options: { dockerInside: true } }],
        {
          groupVars: { app: { ...appVars, app_docker_source: 'distro' } },
        },
      );
      const dockerOnly = playbook({
        name: 'docker first',
        plays: [{ name: 'docker', hosts: 'app', roles: [docker({ source: 'distro', users: ['deploy'] })] }],
      });
      const run = await runInProcess(dockerOnly, {
        inventoryFile: fleet.inventoryFile,
        knownHostsFile: fleet.knownHostsFile,
      });
      assert.equal(run.result.hosts[0].failure, undefined, run.output.slice(-3000));
    });

    after(async () => {
      await fleet?.stop();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('the rendered Compose file passes `docker-compose config -q` on the host', async () => {
      const host = fleet!.hosts[0];
      // The variables as the engine resolves them (schema defaults filled in).
      const { vars, problems } = resolveRoleVariables(stack(webAppStack), exampleHost);
      assert.deepEqual(problems, []);
      const prepared = prepareStack(vars as StackVariables);
      await host.container.copyContentToContainer([
        { content: prepared.rendered.text, target: '/tmp/webapp/docker-compose.yml' },
        { content: 'POSTGRES_PASSWORD=x\nREDIS_PASSWORD=y\nSESSION_SECRET=z\n', target: '/tmp/webapp/.env' },
        ...prepared.files.map((file) => ({ content: file.content, target: `/tmp/webapp/${file.relative}` })),
      ]);
      const config = await host.exec('cd /tmp/webapp && docker-compose config -q 2>&1; echo "exit $?"');
      assert.match(config.output, /exit 0\n$/, config.output);
      await host.exec('rm -rf /tmp/webapp');
    });

    it('passes a --check run: the whole stack predicted, nothing written', async () => {
      const host = fleet!.hosts[0];
      const example = await loadPlaybook(join(root, 'playbooks/stack-example.ts'));
      const before = await fingerprintHost(host);
      const check: CapturedRun = await runInProcess(example, {
        inventoryFile: fleet!.inventoryFile,
        knownHostsFile: fleet!.knownHostsFile,
        check: true,
        diff: true,
      });
      assert.deepEqual(
        diffFingerprints(before, await fingerprintHost(host), { ignoreUnits: loginUnits }),
        [],
        'check mode wrote nothing',
      );
      assert.equal(check.result.hosts[0].failure, undefined, check.output.slice(-3000));
      const tasks = check.result.tasks.filter((task) => task.role === 'stack');
      const find = (name: string) => tasks.find((task) => task.task === name);
      assert.deepEqual(find('stack webapp up and healthy')?.changes, [
        'create caddy',
        'create web',
        'create worker',
        'create ingest',
        'create postgres',
        'create redis',
      ]);
      assert.equal(
        find('stack webapp up and healthy')?.afterEarlierChanges,
        undefined,
        'Docker is there: a real probe',
      );
      assert.deepEqual(find('secrets .env')?.changes, [
        'create /opt/webapp/.env (mode 0600, owner deploy, group deploy): POSTGRES_PASSWORD, REDIS_PASSWORD, SESSION_SECRET',
      ]);
      assert.match(
        find('inputs and resource budget')?.message ?? '',
        /^limits 1\.40\/1\.50 CPUs, 1\.9 GiB\//,
      );
      const exposure = find('published ports and the firewall')?.message ?? '';
      assert.match(exposure, /caddy: \*:80→80\/tcp: no firewall is active \(ufw absent\)/);
      assert.match(exposure, /caddy: \*:443→443\/udp/);
      for (const name of secretNames)
        assert.ok(!check.output.includes(process.env[name]!), `${name} printed`);
      assert.match(check.output, /\+SESSION_SECRET=\*\*\*/);
    });
  });
});
