import { OptionsError, TaskError } from '../../errors.js';
import { raw, sh, type ShellCommand } from '../../transport/shell.js';
import type { Transport } from '../../transport/transport.js';
import { custom, run, type Action, type RunAction } from '../actions.js';
import { absolutePath } from '../files/absolute-path.js';
import { composeDetectionScript, type ComposeFlavour } from './compose-fact.js';
import { localImages, type LocalImage } from './docker-images.js';
import type { Plan, Resource, ResourceContext } from '../resource.js';
import { checkExit, lastLines, runChecked } from '../commands/run-checked.js';

/**
 * The container label that carries a service's configuration hash (its definition and the files it reads),
 * set by whoever renders the Compose file. Compose recreates a container when its configuration changes,
 * labels included; the probe compares this label to predict which services a run recreates.
 */
export const configHashLabel = 'io.bosun.config-hash';

export interface ComposeServiceDesired {
  /** The value of the service's `io.bosun.config-hash` label in the Compose file. */
  configHash: string;
  image: string;
}

export interface ComposeProjectOptions {
  /** Compose project name: lowercase letters, digits, `-` and `_`. */
  project: string;
  /** Directory holding the Compose file; commands run there (so `.env` and relative paths resolve). */
  directory: string;
  /** File name inside `directory`; default 'docker-compose.yml'. */
  file?: string;
  state?: 'present' | 'absent';
  /** With 'present': every service of the file, with its hash label and image. */
  services?: Record<string, ComposeServiceDesired>;
  /** Images shipped from the control machine (never pulled): their id there is the one wanted. */
  shippedImages?: string[];
  /** `compose pull` the services whose images are not shipped, before `up`; default true. */
  pull?: boolean;
  /** How long to wait for every container to run and report healthy; default 180 s. */
  healthTimeoutMs?: number;
  /** With 'absent': remove the project's named volumes too (data!); default false. */
  removeVolumes?: boolean;
}

/** A container of the project, as `docker inspect` reports it. */
export interface ComposeContainer {
  service: string;
  id: string;
  /** Image id the container runs. */
  image: string;
  /** 'running', 'exited', 'restarting', 'created', 'dead', ... */
  status: string;
  exitCode: number;
  /** '' without a healthcheck, else 'starting', 'healthy' or 'unhealthy'. */
  health: string;
  configHash: string;
  /** Started by `compose run`, not part of the service's desired state. */
  oneoff: boolean;
}

export interface ComposeProjectState {
  compose: ComposeFlavour;
  fileExists: boolean;
  containers: ComposeContainer[];
  /** The image id each service should run, by image reference; undefined when unknown (not pulled yet). */
  imageIds: Record<string, string | undefined>;
  volumes: string[];
}

export interface ComposeProjectDesired {
  project: string;
  /** Where the Compose file is: commands run there, with `-f file`. */
  directory: string;
  file: string;
  state: 'present' | 'absent';
  services: Record<string, ComposeServiceDesired>;
  /** Images shipped from the control machine, never pulled. */
  shippedImages: string[];
  pull: boolean;
  healthTimeoutMs: number;
  removeVolumes: boolean;
}

/**
 * A Docker Compose project, up or down (Ansible's `docker_compose_v2`), with Compose v2 (`docker compose`)
 * or v1 (`docker-compose`), whichever the host has. The probe reads the project's containers in one round
 * trip; the plan says which services a run would create, recreate (their configuration hash label or
 * their image changed), start or remove, so a run changes something only when the stack's files or
 * images did. Its actions validate the file (`config -q`), pull the images that are not shipped, run
 * `up -d --remove-orphans`, then wait until every container runs and its healthcheck reports healthy
 * (`compose-wait-healthy`); a failure names the unhealthy services with their last log lines.
 *
 * + project, directory, file: where the Compose file is
 * + services: every service's hash label and image (state 'present')
 * + shippedImages: images that come from the control machine (`dockerImages`), never pulled
 * + pull, healthTimeoutMs, removeVolumes
 *
 * Plan lines: `create web`, `recreate redis (configuration changed)`, `recreate web (image changed)`,
 * `start db (exited 137)`, `remove orphan old`, `take down app: db, web (volumes kept)`,
 * `remove volumes app_pgdata`.
 *
 * @example
 * composeProject({ project: 'app', directory: '/opt/app', services: { web: { configHash, image: 'web:1' } } })
 */
export function composeProject(options: ComposeProjectOptions): Resource<ComposeProjectState> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(options.project))
    throw new OptionsError(
      'COMPOSE_PROJECT_NAME',
      `compose project '${options.project}': use lowercase letters, digits, '-' and '_', starting with a letter or digit.`,
    );
  const desired: ComposeProjectDesired = {
    project: options.project,
    directory: absolutePath(options.directory, `compose project ${options.project}`),
    file: options.file ?? 'docker-compose.yml',
    state: options.state ?? 'present',
    services: options.services ?? {},
    shippedImages: options.shippedImages ?? [],
    pull: options.pull ?? true,
    healthTimeoutMs: options.healthTimeoutMs ?? 180_000,
    removeVolumes: options.removeVolumes ?? false,
  };
  const images = [...new Set(Object.values(desired.services).map((service) => service.image))];
  const shipped = images.filter((image) => desired.shippedImages.includes(image));
  const script = probeScript(desired.project, `${desired.directory}/${desired.file}`, images);
  // The ids the shipped images have here, read once: the ones they will have on the host.
  let local: Record<string, LocalImage> | undefined;

  return {
    kind: 'compose-project',
    id: options.project,
    probe(ctx) {
      const here = (local ??= localImages(shipped));
      return {
        script,
        parse(result) {
          const { stdout } = checkExit(
            ctx.transport.hostName,
            result,
            `reading compose project ${desired.project}`,
            {
              code: 'PROBE_FAILED',
            },
          );
          const state = parseProbe(stdout, images);
          for (const [image, { id }] of Object.entries(here)) state.imageIds[image] = id;
          return state;
        },
      };
    },
    plan: (current) => planComposeProject(current, desired),
    async execute(ctx, action) {
      if (action.name === 'compose-missing')
        throw new TaskError(
          'COMPOSE_MISSING',
          `${ctx.transport.hostName}: neither \`docker compose\` nor \`docker-compose\` is installed; install Docker first (roles/docker).`,
        );
      await waitHealthy(ctx, desired.project, action.services as string[], action.timeoutMs as number);
    },
  };
}

/** The plan of a Compose project: pure, from its containers and the wanted services. */
export function planComposeProject(current: ComposeProjectState, desired: ComposeProjectDesired): Plan {
  const changes = desired.state === 'absent' ? downChanges(current, desired) : upChanges(current, desired);
  if (changes.length === 0) return { actions: [], changes };
  const { compose } = current;
  if (compose === 'none')
    // Nothing to run it with: a real run fails here, check mode waits for an earlier task that installs it.
    return {
      actions: [custom('compose-missing')],
      changes,
      ...(desired.state === 'present' ? { needsEarlierChanges: 'docker compose is not installed yet' } : {}),
    };
  return {
    actions:
      desired.state === 'absent'
        ? downActions(compose, current.fileExists, desired)
        : upActions(compose, desired),
    changes,
  };
}

function downChanges(current: ComposeProjectState, desired: ComposeProjectDesired): string[] {
  const changes: string[] = [];
  const services = [...new Set(current.containers.map((container) => container.service))].sort();
  if (services.length > 0)
    changes.push(
      `take down ${desired.project}: ${services.join(', ')}${desired.removeVolumes ? '' : ' (volumes kept)'}`,
    );
  if (desired.removeVolumes && current.volumes.length > 0)
    changes.push(`remove volumes ${current.volumes.join(', ')}`);
  return changes;
}

function upChanges(current: ComposeProjectState, desired: ComposeProjectDesired): string[] {
  const containers = current.containers.filter((container) => !container.oneoff);
  const changes: string[] = [];
  for (const [name, service] of Object.entries(desired.services)) {
    const mine = containers.filter((container) => container.service === name);
    const wantedImage = current.imageIds[service.image];
    if (mine.length === 0) changes.push(`create ${name}`);
    else if (mine.some((container) => container.configHash !== service.configHash))
      changes.push(`recreate ${name} (configuration changed)`);
    else if (wantedImage !== undefined && mine.some((container) => container.image !== wantedImage))
      changes.push(`recreate ${name} (image changed)`);
    else {
      const stopped = mine.find((container) => !isUp(container));
      if (stopped) changes.push(`start ${name} (${describeStatus(stopped)})`);
    }
  }
  const orphans = [...new Set(containers.map((container) => container.service))].filter(
    (service) => !(service in desired.services),
  );
  changes.push(...orphans.map((service) => `remove orphan ${service}`));
  return changes;
}

/** A step run in the project's directory, so `.env` and relative paths resolve. */
function composeStep(desired: ComposeProjectDesired, command: ShellCommand, what: string): RunAction {
  return run(
    sh`cd ${desired.directory} && ${command}`,
    `${what} (compose project ${desired.project})`,
    'COMPOSE_FAILED',
    {
      timeoutMs: 15 * 60_000,
    },
  );
}

function upActions(compose: 'v2' | 'v1', desired: ComposeProjectDesired): Action[] {
  const cli = composeCommand(compose, desired);
  const services = Object.keys(desired.services);
  const pulled = services.filter((name) => !desired.shippedImages.includes(desired.services[name].image));
  return [
    composeStep(desired, sh`${cli} config -q`, 'compose config'),
    ...(desired.pull && pulled.length > 0
      ? [composeStep(desired, sh`${cli} pull -q ${pulled}`, 'compose pull')]
      : []),
    composeStep(desired, sh`${cli} up -d --remove-orphans`, 'compose up'),
    custom('compose-wait-healthy', { services, timeoutMs: desired.healthTimeoutMs }),
  ];
}

/** Without its Compose file (deleted by hand), the project is removed by Compose's own labels. */
function downActions(compose: 'v2' | 'v1', fileExists: boolean, desired: ComposeProjectDesired): Action[] {
  if (fileExists)
    return [
      composeStep(
        desired,
        sh`${composeCommand(compose, desired)} down --remove-orphans${raw(desired.removeVolumes ? ' -v' : '')}`,
        'compose down',
      ),
    ];
  const label = `label=com.docker.compose.project=${desired.project}`;
  const lines = [
    String(sh`ids=$(docker ps -aq --filter ${label}) && { [ -z "$ids" ] || docker rm -f $ids >/dev/null; }`),
    String(
      sh`nets=$(docker network ls -q --filter ${label}) && { [ -z "$nets" ] || docker network rm $nets >/dev/null; }`,
    ),
  ];
  if (desired.removeVolumes)
    lines.push(
      String(
        sh`vols=$(docker volume ls -q --filter ${label}) && { [ -z "$vols" ] || docker volume rm $vols >/dev/null; }`,
      ),
    );
  return [run(lines.join(' && '), `removing compose project ${desired.project}`, 'COMPOSE_FAILED')];
}

/** Running, or a one-shot job that finished well (a migration with `restart: "no"`). */
function isUp(container: ComposeContainer): boolean {
  return container.status === 'running' || (container.status === 'exited' && container.exitCode === 0);
}

function describeStatus(container: ComposeContainer): string {
  return container.status === 'exited' ? `exited ${container.exitCode}` : container.status;
}

const inspectFormat = [
  'container',
  '{{index .Config.Labels "com.docker.compose.service"}}',
  '{{.Id}}',
  '{{.Image}}',
  '{{.State.Status}}',
  '{{.State.ExitCode}}',
  '{{if .State.Health}}{{.State.Health.Status}}{{end}}',
  `{{index .Config.Labels "${configHashLabel}"}}`,
  '{{index .Config.Labels "com.docker.compose.oneoff"}}',
].join('\t');

/** Prints the project's containers, one tab-separated `container` line each. */
function containersScript(project: string): string {
  return String(
    sh`ids=$(docker ps -aq --filter ${`label=com.docker.compose.project=${project}`}) && { [ -z "$ids" ] || docker inspect --format ${inspectFormat} $ids; }`,
  );
}

function probeScript(project: string, path: string, images: string[]): string {
  return [
    'command -v docker >/dev/null 2>&1 || { echo compose=none; exit 0; }',
    composeDetectionScript,
    String(sh`[ -f ${path} ] && echo file=1`),
    containersScript(project),
    ...images.map((image) =>
      String(
        sh`printf 'image\\t%s\\t%s\\n' ${image} "$(docker image inspect --format '{{.Id}}' ${image} 2>/dev/null)"`,
      ),
    ),
    String(
      sh`docker volume ls -q --filter ${`label=com.docker.compose.project=${project}`} | sed 's/^/volume\\t/'`,
    ),
    'exit 0',
  ].join('\n');
}

/** Reads the probe's output; exported for the unit tests of the format. */
export function parseProbe(stdout: string, images: string[]): ComposeProjectState {
  const state: ComposeProjectState = {
    compose: 'none',
    fileExists: false,
    containers: [],
    imageIds: Object.fromEntries(images.map((image) => [image, undefined])),
    volumes: [],
  };
  for (const line of stdout.split('\n')) {
    const fields = line.split('\t');
    if (line.startsWith('compose='))
      state.compose = line.slice('compose='.length) as ComposeProjectState['compose'];
    else if (line === 'file=1') state.fileExists = true;
    else if (fields[0] === 'container' && fields.length === 9) state.containers.push(parseContainer(fields));
    else if (fields[0] === 'image' && fields.length === 3) state.imageIds[fields[1]] = fields[2] || undefined;
    else if (fields[0] === 'volume' && fields[1]) state.volumes.push(fields[1]);
  }
  return state;
}

function parseContainer(fields: string[]): ComposeContainer {
  const [, service, id, image, status, exitCode, health, configHash, oneoff] = fields;
  const label = (value: string) => (value === '<no value>' ? '' : value);
  return {
    service: label(service),
    id,
    image,
    status,
    exitCode: Number(exitCode),
    health,
    configHash: label(configHash),
    oneoff: label(oneoff).toLowerCase() === 'true',
  };
}

function composeCommand(compose: 'v2' | 'v1', { project, file }: ComposeProjectDesired): ShellCommand {
  return compose === 'v2'
    ? sh`docker compose -p ${project} -f ${file}`
    : sh`docker-compose -p ${project} -f ${file}`;
}

/**
 * Polls the project's containers until each wanted service runs (a one-shot job may have exited 0) and
 * reports healthy where it has a healthcheck. Stops early on an unhealthy or crashed container.
 */
async function waitHealthy(
  ctx: ResourceContext,
  project: string,
  services: string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await runChecked(
      ctx.transport,
      containersScript(project),
      `reading compose project ${project}`,
      {
        code: 'COMPOSE_FAILED',
      },
    );
    const containers = parseProbe(result.stdout, []).containers.filter(
      (container) => !container.oneoff && services.includes(container.service),
    );
    const failed = containers.filter(
      (container) =>
        container.health === 'unhealthy' ||
        container.status === 'dead' ||
        (container.status === 'exited' && container.exitCode !== 0),
    );
    const waiting = [
      ...services
        .filter((service) => !containers.some((container) => container.service === service))
        .map((service) => ({ service, why: 'no container' })),
      ...containers
        .filter(
          (container) =>
            !failed.includes(container) && !(isUp(container) && ['', 'healthy'].includes(container.health)),
        )
        .map((container) => ({
          service: container.service,
          why: container.health || container.status,
          id: container.id,
        })),
    ];
    if (failed.length === 0 && waiting.length === 0) return;
    if (failed.length > 0 || Date.now() > deadline) {
      const bad = [
        ...failed.map((container) => ({
          service: container.service,
          why: container.health || describeStatus(container),
          id: container.id,
        })),
        ...(failed.length > 0 ? [] : waiting),
      ];
      throw new TaskError(
        'STACK_UNHEALTHY',
        `${ctx.transport.hostName}: compose project ${project}: ${failed.length > 0 ? 'services failed' : `not healthy after ${Math.round(timeoutMs / 1000)} s`}: ` +
          `${bad.map((entry) => `${entry.service} (${entry.why})`).join(', ')}\n${await diagnostics(ctx.transport, bad)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The last healthcheck output and log lines of each failing container. */
async function diagnostics(transport: Transport, bad: { service: string; id?: string }[]): Promise<string> {
  const parts: string[] = [];
  for (const { service, id } of bad) {
    if (!id) continue;
    const health = await transport.exec(String(sh`docker inspect --format '{{json .State.Health}}' ${id}`));
    const log =
      (JSON.parse(health.stdout.trim() || 'null') as { Log?: { Output: string }[] } | null)?.Log ?? [];
    const logs = await transport.exec(String(sh`docker logs --tail 20 ${id} 2>&1`));
    parts.push(
      `--- ${service}: ${log.length > 0 ? `last healthcheck: ${lastLines(log[log.length - 1].Output, 3)}\n` : ''}last log lines:\n${lastLines(logs.stdout, 20)}`,
    );
  }
  return parts.join('\n');
}
