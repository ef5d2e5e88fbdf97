import assert from 'node:assert/strict';
import { gatherFactValues } from '../../lib/facts/define-fact.js';
import { connect, gatherFacts, loadInventory, playbook, type RunResult } from '../../lib/index.js';
import { composeFact } from '../../lib/resources/docker/compose-fact.js';
import { scenario, type ScenarioContext } from '../../lib/testing/index.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';
import { docker } from '../../roles/index.js';

// Role variables come from host variables, so a run with `-e` (extraVars) can change daemon settings.
const site = playbook({
  name: 'docker from the distribution',
  plays: [
    {
      name: 'docker',
      hosts: 'docker',
      roles: [
        docker((host) => ({
          source: 'distro',
          users: ['deploy'],
          ...(host.vars.docker_daemon ? { daemon: host.vars.docker_daemon as never } : {}),
          ...(host.vars.docker_extra ? { extraDaemonSettings: host.vars.docker_extra as never } : {}),
        })),
      ],
    },
  ],
});

scenario({
  name: "docker role, source 'distro' (docker.io 20.10 and docker-compose v1 of Debian 12)",
  playbook: site,
  hosts: [{ name: 'docker-1', groups: ['docker'], options: { dockerInside: true } }],
  verify: async (ctx) => {
    const host = ctx.host();
    checkPredictedTheInstall(ctx.runs.check!.result);
    await dockerInfoShowsDaemonJson(host);
    await containerRunsFromLocalImage(host);
    await deployUsesDocker(host);
    await composeFactAfterTheRole(ctx);
    assert.match(
      ctx.runs.converge!.result.tasks.find((result) => result.task === 'docker answers')?.message ?? '',
      /^Docker 20\.10\.\S+ answers; compose v1 1\.29\.2$/,
    );
    await settingChangeRestartsOnce(ctx);
    await invalidSettingRefusedBeforeRestart(ctx);
  },
});

/** On the fresh host, check said what converge then did, with the install-dependent steps marked as such. */
function checkPredictedTheInstall(check: RunResult): void {
  const byTask = new Map(check.tasks.map((result) => [result.task, result]));
  assert.deepEqual(byTask.get('Docker packages')?.changes, [
    'install docker.io (unverified: the apt lists are empty)',
    'install docker-compose (unverified: the apt lists are empty)',
  ]);
  assert.deepEqual(
    check.tasks.map((result) => [result.task, result.status, result.afterEarlierChanges ?? false]),
    [
      ['/etc/docker', 'changed', false],
      ['Docker packages', 'changed', false],
      ['daemon.json', 'changed', true],
      ['deploy in the docker group', 'changed', true],
      ['docker running and enabled', 'changed', true],
      ['docker answers', 'ok', false],
      ['restart docker', 'changed', true],
    ],
  );
  assert.equal(
    byTask.get('docker answers')?.message,
    'not verified in check mode: the docker command is not installed yet',
  );
  assert.match(byTask.get('daemon.json')?.diff ?? '', /^\+ {2}"live-restore": true$/m);
}

async function dockerInfoShowsDaemonJson(host: ThrowawayHost): Promise<void> {
  const info = await dockerInfo(host);
  console.log(
    `      docker info: ServerVersion ${info.ServerVersion}, LoggingDriver ${info.LoggingDriver}, ` +
      `LiveRestoreEnabled ${info.LiveRestoreEnabled}, CgroupDriver ${info.CgroupDriver}`,
  );
  assert.equal(info.LoggingDriver, 'json-file');
  assert.equal(info.LiveRestoreEnabled, true);
  assert.equal(
    (await host.exec('cat /etc/docker/daemon.json')).output,
    '{\n  "log-driver": "json-file",\n  "log-opts": {\n    "max-size": "10m",\n    "max-file": "3"\n  },\n  "live-restore": true\n}\n',
  );
}

/**
 * No registry is reachable: the image is imported from a few of the host's own files (a shell, echo, sleep
 * and the libraries they load), resolved through Debian 12's merged /usr so that tar stores no path twice.
 */
async function containerRunsFromLocalImage(host: ThrowawayHost): Promise<void> {
  const imported = await host.exec(`set -e
files="usr/bin/dash usr/bin/sh usr/bin/echo usr/bin/sleep usr/bin/cat"
libs=$(for f in $files; do ldd "/$f" | grep -o '/[^ ]*'; done | sort -u |
  while read -r lib; do echo "usr\${lib#/usr}"; readlink -f "$lib" | cut -c2-; done | sort -u)
tar -C / -c bin lib lib64 $files $libs | docker import - local/tiny >/dev/null
docker run --rm local/tiny /bin/echo hello from a container`);
  assert.equal(imported.code, 0, imported.output);
  assert.equal(imported.output.trim(), 'hello from a container');
  const logOpts = await host.exec(
    "docker run -d --name logged local/tiny /bin/echo x >/dev/null && docker inspect logged --format '{{json .HostConfig.LogConfig}}' && docker rm logged >/dev/null",
  );
  assert.deepEqual(JSON.parse(logOpts.output), {
    Type: 'json-file',
    Config: { 'max-file': '3', 'max-size': '10m' },
  });
}

async function deployUsesDocker(host: ThrowawayHost): Promise<void> {
  assert.match((await host.exec('id -nG deploy')).output, /\bdocker\b/);
  const asDeploy = await host.exec("runuser -u deploy -- docker version --format '{{.Server.Version}}'");
  assert.equal(asDeploy.code, 0, asDeploy.output);
  assert.match(asDeploy.output, /^20\.10\./);
}

/** After the role, the facts show Docker, and the compose fact (a role fact) the Compose the role installed. */
async function composeFactAfterTheRole(ctx: ScenarioContext): Promise<void> {
  const inventory = await loadInventory([ctx.fleet.inventoryFile]);
  const transport = await connect(inventory.hosts.get('docker-1')!, {
    knownHostsPolicy: 'strict',
    knownHostsFile: ctx.fleet.knownHostsFile,
  });
  try {
    const facts = await gatherFacts(transport);
    assert.equal(facts.tools.docker, true);
    assert.equal((await gatherFactValues(transport, [composeFact])).get(composeFact), 'v1');
  } finally {
    await transport.close();
  }
}

/** A changed setting restarts docker once, through the handler; with live-restore a running container stays up. */
async function settingChangeRestartsOnce(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  assert.equal((await host.exec('docker run -d --name keeper local/tiny /bin/sleep 3600')).code, 0);
  const before = { pid: await mainPid(host), started: await startedAt(host, 'keeper') };
  const extraVars = { docker_daemon: { registryMirrors: ['https://mirror.bosun.test'] } };

  const run = await ctx.run({ extraVars });
  assert.deepEqual(changed(run.result), [
    ['daemon.json', ['add registry-mirrors: ["https://mirror.bosun.test"]']],
    ['restart docker (handler)', ['restart docker.service']],
  ]);
  assert.notEqual(await mainPid(host), before.pid, 'dockerd was restarted');
  assert.deepEqual((await dockerInfo(host)).RegistryConfig?.Mirrors, ['https://mirror.bosun.test/']);
  assert.equal(await startedAt(host, 'keeper'), before.started, 'the container kept running (live-restore)');
  assert.equal(
    (await host.exec("docker inspect keeper --format '{{.State.Running}}'")).output.trim(),
    'true',
  );

  const again = await ctx.run({ extraVars });
  assert.deepEqual(changed(again.result), [], 'the same settings again change nothing');
}

/** dockerd refuses an unknown setting at the validate step: daemon.json, the daemon and its containers stay as they were. */
async function invalidSettingRefusedBeforeRestart(ctx: ScenarioContext): Promise<void> {
  const host = ctx.host();
  const before = {
    pid: await mainPid(host),
    file: (await host.exec('sha256sum /etc/docker/daemon.json')).output,
  };
  const run = await ctx.run({ extraVars: { docker_extra: { 'no-such-option': true } } });
  const failure = run.result.hosts[0].failure;
  assert.equal(failure?.task, 'daemon.json');
  assert.match(failure?.message ?? '', /dockerd refused the new daemon\.json: .*no-such-option/);
  assert.equal(run.result.tasks.filter((result) => result.handler).length, 0, 'no restart was attempted');
  assert.equal((await host.exec('sha256sum /etc/docker/daemon.json')).output, before.file);
  assert.equal(await mainPid(host), before.pid);
  assert.equal((await host.exec('systemctl is-active docker')).output.trim(), 'active');
  assert.equal(
    (await host.exec("docker inspect keeper --format '{{.State.Running}}'")).output.trim(),
    'true',
  );
  assert.equal(
    (await host.exec('ls /etc/docker')).output,
    'daemon.json\nkey.json\n',
    'no temporary file was left',
  );

  // A setting the role's variables type is refused before any host is touched.
  await assert.rejects(
    ctx.run({ extraVars: { docker_daemon: { logMaxSize: '10 potatoes' } } }),
    (error: Error & { code?: string }) =>
      error.code === 'ROLE_VARIABLES_INVALID' &&
      /variable 'daemon\.logMaxSize' must match pattern/.test(error.message),
  );
  assert.equal(await mainPid(host), before.pid);
}

interface DockerInfo {
  ServerVersion?: string;
  LoggingDriver?: string;
  LiveRestoreEnabled?: boolean;
  CgroupDriver?: string;
  RegistryConfig?: { Mirrors?: string[] };
}

async function dockerInfo(host: ThrowawayHost): Promise<DockerInfo> {
  const result = await host.exec("docker info --format '{{json .}}'");
  assert.equal(result.code, 0, result.output);
  return JSON.parse(result.output) as DockerInfo;
}

const mainPid = async (host: ThrowawayHost) =>
  (await host.exec('systemctl show -p MainPID --value docker')).output.trim();
const startedAt = async (host: ThrowawayHost, container: string) =>
  (await host.exec(`docker inspect ${container} --format '{{.State.StartedAt}}'`)).output.trim();
const changed = (result: RunResult) =>
  result.tasks
    .filter((task) => task.status === 'changed')
    .map((task) => [`${task.task}${task.handler ? ' (handler)' : ''}`, task.changes]);
