import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { stringify } from 'yaml';
import { configHashLabel } from '../../lib/index.js';
import type { ComposeFile, ComposeService } from './compose-schema.js';

export interface ComposeInputs {
  /** sha256 of each managed file, by its path relative to the project directory ('redis/redis.conf', '.env'). */
  files: Record<string, string>;
  /** The project directory on the host, to read absolute bind sources inside it. */
  directory: string;
  /** The env file's path relative to the directory; services interpolating variables depend on it. */
  envFile: string;
}

export interface RenderedCompose {
  /** The YAML written to the host. */
  text: string;
  /** Each service's configuration hash, as its label carries it. */
  hashes: Record<string, string>;
}

/**
 * The Compose file Bosun writes: YAML 1.1-safe (Compose v1 reads YAML 1.1, where an unquoted 22:22 is a
 * number), `deploy.resources.limits.pids` as `pids_limit` (Compose v1 rejects the former; v2 reads both),
 * list labels as a map, and each service labelled with its configuration hash (`io.bosun.config-hash`): its
 * definition, the networks and named volumes it uses, and the content of the managed files it mounts or
 * reads (env file included). Compose recreates a container whose configuration changed, labels included,
 * so a changed redis.conf recreates exactly the services that mount it, and the probe predicts which.
 */
export function renderCompose(compose: ComposeFile, inputs: ComposeInputs): RenderedCompose {
  const hashes: Record<string, string> = {};
  const services: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(compose.services)) {
    const service = normalizeService(definition);
    hashes[name] = serviceHash(service, compose, inputs);
    services[name] = {
      ...service,
      labels: { ...(service.labels as object), [configHashLabel]: hashes[name] },
    };
  }
  const header = '# Managed by Bosun (roles/stack): edits here are overwritten on the next run.\n';
  return { text: header + stringify({ ...compose, services }, { version: '1.1' }), hashes };
}

function normalizeService(definition: ComposeService): Record<string, unknown> {
  const service = structuredClone(definition) as ComposeService & Record<string, unknown>;
  const limits = service.deploy?.resources?.limits;
  if (limits?.pids !== undefined) {
    service.pids_limit = limits.pids;
    delete limits.pids;
  }
  if (Array.isArray(definition.labels)) {
    service.labels = Object.fromEntries(
      definition.labels.map((label) => {
        const at = label.indexOf('=');
        return at < 0 ? [label, ''] : [label.slice(0, at), label.slice(at + 1)];
      }),
    );
  }
  return service;
}

function serviceHash(service: Record<string, unknown>, compose: ComposeFile, inputs: ComposeInputs): string {
  const definition = service as ComposeService;
  const networkNames = Array.isArray(definition.networks)
    ? definition.networks
    : Object.keys(definition.networks ?? { default: null });
  const mounts = (definition.volumes ?? []).map((volume) =>
    typeof volume === 'string'
      ? volume.split(':').length > 1
        ? volume.split(':')[0]
        : ''
      : (volume.source ?? ''),
  );
  const isPath = (source: string) => /^[./~]/.test(source);
  const bindSources = mounts.filter(isPath).map((source) => relativeTo(inputs.directory, source));
  const envFiles = [definition.env_file ?? []].flat().map((file) => relativeTo(inputs.directory, file));
  // A service interpolating ${VAR} (not $$) reads its values from the env file.
  if (/(^|[^$])\$(\{|[A-Za-z_])/.test(JSON.stringify(service))) envFiles.push(inputs.envFile);
  const files = Object.entries(inputs.files)
    .filter(
      ([path]) =>
        envFiles.includes(path) ||
        bindSources.some((source) => source === '.' || path === source || path.startsWith(`${source}/`)),
    )
    .sort(([a], [b]) => a.localeCompare(b));
  const pick = (all: Record<string, unknown> | undefined, names: string[]) =>
    Object.fromEntries(names.filter((name) => all && name in all).map((name) => [name, all?.[name]]));
  const input = {
    service,
    networks: pick(compose.networks, networkNames),
    volumes: pick(
      compose.volumes,
      mounts.filter((source) => source !== '' && !isPath(source)),
    ),
    files,
  };
  return createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 20);
}

/** A bind source or env file as a path relative to the project directory; '..'-prefixed when outside it. */
function relativeTo(directory: string, path: string): string {
  return posix.relative(directory, posix.resolve(directory, path)) || '.';
}

/** JSON with sorted keys: the same configuration always hashes the same, whatever order it was written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
