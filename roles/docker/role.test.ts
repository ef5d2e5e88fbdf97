import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { Facts } from '../../lib/facts/facts.js';
import { parseFacts } from '../../lib/facts/parse-facts.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { aptRepositoryDesired } from '../../lib/resources/packages/apt-repository.js';
import { docker, type DockerVariables } from './index.js';
import { daemonSettings } from './daemon-settings.js';
import { dockerInstall } from './install-source.js';

const factsFixture = (name: string): Facts =>
  parseFacts(readFileSync(new URL(`../../lib/facts/fixtures/${name}.txt`, import.meta.url), 'utf8'));
const debian12 = factsFixture('debian12');
const ubuntu2404 = factsFixture('ubuntu2404-socket');
const host: InventoryHost = {
  name: 'web1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'web1', become: false },
};
const resolve = (variables: Partial<DockerVariables>) => resolveRoleVariables(docker(variables), host);
const defaults = (variables: Partial<DockerVariables> = {}) => {
  const { vars, problems } = resolve(variables);
  assert.deepEqual(problems, []);
  return vars as DockerVariables;
};

describe('docker role variables', () => {
  it('fills the defaults, nested daemon settings included', () => {
    assert.deepEqual(defaults(), {
      source: 'docker',
      repositoryUrl: 'https://download.docker.com/linux',
      repositoryKeyFingerprint: '9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88',
      daemon: { logMaxSize: '10m', logMaxFile: 3, liveRestore: true },
      extraDaemonSettings: {},
      daemonJsonExclusive: false,
      users: [],
    });
    assert.deepEqual(defaults({ daemon: { liveRestore: false } as never }).daemon, {
      logMaxSize: '10m',
      logMaxFile: 3,
      liveRestore: false,
    });
  });

  it('refuses bad settings before anything changes, naming each variable', () => {
    const { problems } = resolve({
      source: 'docker-ce' as never,
      daemon: { logMaxSize: '10 potatoes', logMaxFile: 0, liveRestor: true } as never,
      users: ['bad user'],
      repositoryKeyFingerprint: '0EBFCD88',
    });
    assert.deepEqual(
      problems.map((problem) => problem.replace(/^role docker, host web1: /, '')).sort(),
      [
        "unknown variable 'daemon.liveRestor'",
        "variable 'daemon.logMaxFile' must be >= 1",
        'variable \'daemon.logMaxSize\' must match pattern "^[0-9]+[kmg]$"',
        'variable \'repositoryKeyFingerprint\' must match pattern "^\\s*(([0-9A-Fa-f]\\s*){40}|([0-9A-Fa-f]\\s*){64})$"',
        'variable \'source\' must be one of ["docker","distro"]',
        'variable \'users.0\' must match pattern "^[A-Za-z_][A-Za-z0-9_.-]{0,30}\\$?$"',
      ].sort(),
    );
  });
});

describe('daemonSettings', () => {
  it('writes log rotation for json-file and live-restore by default, log options as strings', () => {
    assert.deepEqual(daemonSettings(defaults().daemon), {
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      'live-restore': true,
    });
  });

  it('adds the optional settings only when given, and merges extraDaemonSettings last', () => {
    const settings = daemonSettings(
      {
        logMaxSize: '50m',
        logMaxFile: 5,
        liveRestore: true,
        defaultAddressPools: [{ base: '172.30.0.0/16', size: 24 }],
        userlandProxy: false,
        registryMirrors: ['https://mirror.example.test'],
      },
      {
        'log-opts': { compress: 'true' },
        'live-restore': false,
        'max-concurrent-downloads': 2,
        gone: undefined,
      },
    );
    assert.deepEqual(settings, {
      'log-driver': 'json-file',
      'log-opts': { 'max-size': '50m', 'max-file': '5', compress: 'true' },
      'live-restore': false,
      'default-address-pools': [{ base: '172.30.0.0/16', size: 24 }],
      'userland-proxy': false,
      'registry-mirrors': ['https://mirror.example.test'],
      'max-concurrent-downloads': 2,
    });
  });
});

describe('dockerInstall', () => {
  it("uses Docker's repository for the host's distribution, release and architecture, with the pinned key", () => {
    const install = dockerInstall(defaults(), debian12);
    assert.deepEqual(install.packages, [
      'docker-ce',
      'docker-ce-cli',
      'containerd.io',
      'docker-buildx-plugin',
      'docker-compose-plugin',
    ]);
    assert.deepEqual(install.prerequisites, ['ca-certificates', 'curl']);
    const desired = aptRepositoryDesired(install.repository!);
    assert.equal(desired.keyUrl, 'https://download.docker.com/linux/debian/gpg');
    assert.equal(desired.keyFingerprint, '9DC858229FC7DD38854AE2D88D81803C0EBFCD88');
    assert.equal(
      desired.sources,
      [
        '# Managed by Bosun: changes made here are overwritten.',
        'Types: deb',
        'URIs: https://download.docker.com/linux/debian',
        'Suites: bookworm',
        'Components: stable',
        'Architectures: amd64',
        'Signed-By: /etc/apt/keyrings/docker.gpg',
        '',
      ].join('\n'),
    );
  });

  it('follows Ubuntu, a mirror, a given key and pinned packages', () => {
    const install = dockerInstall(
      defaults({
        repositoryUrl: 'https://mirror.example.test/docker-ce/linux',
        repositoryKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n...',
        packages: ['docker-ce=5:27.3.1-1~ubuntu.24.04~noble', 'docker-ce-cli'],
      }),
      { ...ubuntu2404, debArch: 'arm64' },
    );
    const desired = aptRepositoryDesired(install.repository!);
    assert.match(desired.sources, /^URIs: https:\/\/mirror\.example\.test\/docker-ce\/linux\/ubuntu$/m);
    assert.match(desired.sources, /^Suites: noble$/m);
    assert.match(desired.sources, /^Architectures: arm64$/m);
    assert.equal(desired.keyUrl, undefined);
    assert.equal(desired.key, '-----BEGIN PGP PUBLIC KEY BLOCK-----\n...');
    assert.deepEqual(install.packages, ['docker-ce=5:27.3.1-1~ubuntu.24.04~noble', 'docker-ce-cli']);
    assert.deepEqual(install.prerequisites, ['ca-certificates'], 'no curl: nothing to download');
  });

  it("uses the distribution's packages and no repository for source 'distro'", () => {
    assert.deepEqual(dockerInstall(defaults({ source: 'distro' }), debian12), {
      prerequisites: [],
      packages: ['docker.io', 'docker-compose'],
    });
  });
});

describe('docker role tasks', () => {
  const tasksOf = (variables: Partial<DockerVariables>) =>
    docker.definition.tasks(defaults(variables), roleContext(host, debian12));

  it("installs from Docker's repository, writes daemon.json (validated, restart on change), then checks docker", () => {
    const tasks = tasksOf({ users: ['deploy'] });
    assert.deepEqual(
      tasks.map((task) => [task.name, task.resource.kind, task.resource.id]),
      [
        ['repository prerequisites', 'apt', 'ca-certificates curl'],
        ['no legacy docker.list', 'file', '/etc/apt/sources.list.d/docker.list'],
        ["Docker's apt repository", 'apt-repository', 'docker'],
        ['/etc/docker', 'directory', '/etc/docker'],
        [
          'Docker packages',
          'apt',
          'docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin',
        ],
        ['daemon.json', 'json-file', '/etc/docker/daemon.json'],
        ['deploy in the docker group', 'user', 'deploy'],
        ['docker running and enabled', 'service', 'docker.service'],
        ['docker answers', 'docker-info', 'docker info'],
      ],
    );
    assert.deepEqual(tasks.find((task) => task.name === 'daemon.json')?.notify, ['restart docker']);
    const handlers = docker.definition.handlers!(defaults(), roleContext(host, debian12));
    assert.deepEqual(Object.keys(handlers), ['restart docker']);
    assert.equal(
      handlers['restart docker'].plan({
        loadState: 'loaded',
        activeState: 'active',
        unitFileState: 'enabled',
        canReload: true,
        needDaemonReload: false,
      } as never).changes[0],
      'restart docker.service',
    );
  });

  it("has no repository tasks for source 'distro'", () => {
    assert.deepEqual(
      tasksOf({ source: 'distro' }).map((task) => task.name),
      ['/etc/docker', 'Docker packages', 'daemon.json', 'docker running and enabled', 'docker answers'],
    );
  });
});
