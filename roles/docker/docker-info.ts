import { checkExit, parseKeyValues, type Check, type Verdict } from '../../lib/index.js';

/** What `docker info` and the compose commands said. */
export interface DockerInfoState {
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
  'exit 0',
].join('\n');

/**
 * Verifies that the Docker daemon answers (`docker info`) and reports the engine's version and which Compose is
 * installed (v2, the `docker compose` plugin, or v1, `docker-compose`: what the compose fact detects). A check:
 * it changes nothing. It runs before the role's handlers, so it does not report daemon.json settings that a
 * pending restart has yet to apply. In check mode a daemon that is not installed or not started yet is reported,
 * not failed: an earlier task would install or start it.
 *
 * @example
 * task('docker answers', dockerInfo())
 * // ok: [web1] => Docker 20.10.24+dfsg1 answers; compose v1 1.29.2
 */
export function dockerInfo(): Check<DockerInfoState> {
  return {
    kind: 'docker-info',
    id: 'docker info',
    probe: (ctx) => ({
      script: probeScript,
      parse: (result) =>
        parseDockerInfoProbe(
          checkExit(ctx.transport.hostName, result, 'asking docker info', { code: 'PROBE_FAILED' }).stdout,
        ),
    }),
    verify: (current, ctx) => verifyDockerInfo(current, ctx.check),
  };
}

/** A note of what runs, or why Docker does not answer (in check mode only a note: an earlier task may fix it). */
export function verifyDockerInfo(current: DockerInfoState, check: boolean): Verdict {
  const problem = !current.installed
    ? 'the docker command is not installed'
    : current.info === undefined
      ? 'docker info printed nothing'
      : current.info.ServerErrors?.length
        ? `the daemon does not answer: ${current.info.ServerErrors.join('; ')}`
        : undefined;
  if (problem !== undefined) {
    if (check) return { passed: true, message: `not verified in check mode: ${problem} yet` };
    return {
      passed: false,
      message: `${problem}. See \`systemctl status docker\` and \`journalctl -u docker\` on the host.`,
    };
  }
  const { kind, version } = current.compose;
  const compose = kind === 'none' ? 'no compose' : `compose ${kind}${version ? ` ${version}` : ''}`;
  return {
    passed: true,
    message: `Docker ${current.info?.ServerVersion ?? '(unknown version)'} answers; ${compose}`,
  };
}

/** Reads the probe's `key=value` lines. */
export function parseDockerInfoProbe(stdout: string): DockerInfoState {
  const values = parseKeyValues(stdout);
  if (values.get('installed') === 'no') return { installed: false, compose: { kind: 'none' } };
  let info: DockerInfo | undefined;
  try {
    info = JSON.parse(values.get('info') ?? '') as DockerInfo;
  } catch {
    info = undefined;
  }
  const [kind, version] = (values.get('compose') ?? 'none').split(' ');
  return {
    installed: true,
    info,
    compose: kind === 'v2' || kind === 'v1' ? { kind, ...(version ? { version } : {}) } : { kind: 'none' },
  };
}
