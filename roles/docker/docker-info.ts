import { TaskError } from '../../lib/errors.js';
import { parseKeyValues } from '../../lib/facts/key-values.js';
import type { Plan, Resource } from '../../lib/resources/resource.js';
import { runChecked } from '../../lib/resources/commands/run-checked.js';

/** What `docker info` and the compose commands said. */
export interface DockerInfoState {
  /** The probe ran in check mode: a missing or silent daemon is then an earlier task's business. */
  check: boolean;
  /** The docker CLI is on the PATH. */
  installed: boolean;
  /** `docker info --format '{{json .}}'`, parsed; it holds `ServerErrors` when the daemon does not answer. */
  info?: DockerInfo;
  compose: { kind: 'v2' | 'v1' | 'none'; version?: string };
}

/** The fields of `docker info` the role reads. */
export interface DockerInfo {
  ServerVersion?: string;
  ServerErrors?: string[];
}

const probeScript = [
  'command -v docker >/dev/null 2>&1 || { echo installed=no; exit 0; }',
  `printf 'info='; docker info --format '{{json .}}' 2>/dev/null | tr -d '\\n'; echo`,
  'if docker compose version >/dev/null 2>&1; then echo "compose=v2 $(docker compose version --short 2>/dev/null)"',
  'elif command -v docker-compose >/dev/null 2>&1; then echo "compose=v1 $(docker-compose version --short 2>/dev/null)"',
  'fi',
].join('\n');

/**
 * Verifies that the Docker daemon answers (`docker info`) and reports the engine's version and which Compose is
 * installed (v2, the `docker compose` plugin, or v1, `docker-compose`: the detection of `facts.tools.compose`).
 * It changes nothing. It runs before the role's handlers, so it does not report daemon.json settings that a
 * pending restart has yet to apply. In check mode a daemon that is not installed or not started yet is reported,
 * not failed: an earlier task would install or start it.
 *
 * @example
 * task('docker answers', dockerInfo())
 * // ok: [web1] => Docker 20.10.24+dfsg1 answers; compose v1 1.29.2
 */
export function dockerInfo(): Resource<DockerInfoState> {
  return {
    kind: 'docker-info',
    id: 'docker info',
    async probe(ctx) {
      const result = await runChecked(ctx.transport, probeScript, 'asking docker info', {
        code: 'PROBE_FAILED',
      });
      return parseDockerInfoProbe(result.stdout, ctx.check);
    },
    plan: (current) => planDockerInfo(current),
    // Nothing to apply: the plan never has changes.
    async apply() {},
  };
}

/** The verification: a note of what runs, or a TaskError saying why Docker does not answer. */
export function planDockerInfo(current: DockerInfoState): Plan {
  const problem = !current.installed
    ? 'the docker command is not installed'
    : current.info === undefined
      ? 'docker info printed nothing'
      : current.info.ServerErrors?.length
        ? `the daemon does not answer: ${current.info.ServerErrors.join('; ')}`
        : undefined;
  if (problem !== undefined) {
    if (current.check) return { changes: [], message: `not verified in check mode: ${problem} yet` };
    throw new TaskError(
      'DOCKER_NOT_ANSWERING',
      `${problem}. See \`systemctl status docker\` and \`journalctl -u docker\` on the host.`,
    );
  }
  const { kind, version } = current.compose;
  const compose = kind === 'none' ? 'no compose' : `compose ${kind}${version ? ` ${version}` : ''}`;
  return {
    changes: [],
    message: `Docker ${current.info?.ServerVersion ?? '(unknown version)'} answers; ${compose}`,
  };
}

/** Reads the probe's `key=value` lines. */
export function parseDockerInfoProbe(stdout: string, check: boolean): DockerInfoState {
  const values = parseKeyValues(stdout);
  if (values.get('installed') === 'no') return { check, installed: false, compose: { kind: 'none' } };
  let info: DockerInfo | undefined;
  try {
    info = JSON.parse(values.get('info') ?? '') as DockerInfo;
  } catch {
    info = undefined;
  }
  const [kind, version] = (values.get('compose') ?? 'none').split(' ');
  return {
    check,
    installed: true,
    info,
    compose: kind === 'v2' || kind === 'v1' ? { kind, ...(version ? { version } : {}) } : { kind: 'none' },
  };
}
