import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh, raw, type ShellCommand } from '../../transport/shell.js';
import {
  formatFingerprint,
  normalizeFingerprint,
  readSigningKey,
  type SigningKey,
} from './apt-repository-key.js';
import { contentDiff } from '../files/content-diff.js';
import { custom, run, upload, type Action, type CustomAction } from '../actions.js';
import type { Plan, Resource, ResourceContext } from '../resource.js';
import { checkExit, lastLines, rootHint, runChecked } from '../commands/run-checked.js';

export interface AptRepositoryOptions {
  /**
   * Names the files: /etc/apt/sources.list.d/NAME.sources and /etc/apt/keyrings/NAME.gpg. Letters, digits,
   * `_ . -` only (apt silently ignores other file names).
   */
  name: string;
  /** Repository base URIs: 'https://download.docker.com/linux/debian'. */
  uris: string | string[];
  /** Suites (codenames): 'bookworm'. A suite ending in '/' is a flat repository and takes no components. */
  suites: string | string[];
  /** Components: ['stable'], ['main', 'contrib']. */
  components?: string[];
  /** Architectures to fetch, e.g. [facts.debArch]; unset: apt's default (the host's). */
  architectures?: string[];
  /** ['deb'] (default), ['deb', 'deb-src']. */
  types?: ('deb' | 'deb-src')[];
  /** The signing key: ASCII-armored text (or binary packets). Give `key` or `keyUrl`. */
  key?: string | Buffer;
  /** Where the host downloads the signing key (curl or wget), at every probe so a rotated key is seen. */
  keyUrl?: string;
  /**
   * The primary key's fingerprint ('9DC8 5822 …' or hex without spaces): a key that does not match fails the
   * task. With `keyUrl`, a host that cannot fetch the key keeps a key file that matches the pin.
   */
  keyFingerprint?: string;
  /** 'present' (default) or 'absent' (both files are removed). */
  state?: 'present' | 'absent';
  /** Refresh the apt lists (`apt-get update`) after a change. Default true. */
  updateCache?: boolean;
}

/** A file the probe read: its content and mode. */
export interface ProbedFile<Content = Buffer> {
  content: Content;
  mode: string;
}

/**
 * What the probe read: both files, and the key the host fetched from `keyUrl`. Whole files, not digests:
 * the key's fingerprint is named in the plan, and both are what goes back if apt rejects the repository
 * (a few kilobytes).
 */
export interface AptRepositoryState {
  sources?: ProbedFile<string>;
  key?: ProbedFile;
  keyringDirExists: boolean;
  /** Only with `keyUrl`. */
  fetched?: { content: Buffer } | { error: string } | { toolMissing: true };
  /** The tasks run as root: otherwise a failure says that apt repositories need it. */
  asRoot: boolean;
}

export interface AptRepositoryDesired {
  name: string;
  state: 'present' | 'absent';
  sourcesPath: string;
  keyPath: string;
  /** The rendered deb822 file. */
  sources: string;
  uris: string[];
  key?: string | Buffer;
  keyUrl?: string;
  keyFingerprint?: string;
  updateCache: boolean;
}

/** What to do, decided once from the probed state: the plan's lines and actions. */
export interface AptRepositoryDecision {
  lines: string[];
  diff?: string;
  createKeyringDir: boolean;
  /** New key bytes to install. */
  writeKey?: Buffer;
  writeSources: boolean;
  /** Paths whose mode must become 0644 (apt reads them as the unprivileged `_apt` user). */
  chmod: string[];
  remove: string[];
  refresh: boolean;
  blocker?: string;
}

const keyringDir = '/etc/apt/keyrings';
const sourcesDir = '/etc/apt/sources.list.d';
const fileMode = '0644';

/**
 * A third-party apt repository with its signing key (Ansible's `deb822_repository` plus `get_url` of the key):
 * a deb822 `/etc/apt/sources.list.d/NAME.sources` whose `Signed-By` names `/etc/apt/keyrings/NAME.gpg`, so
 * the key is trusted for this repository only. The key is given as ASCII-armored text or fetched on the host
 * from a URL, dearmored into binary packets, and checked against a pinned fingerprint when one is given.
 * Probes in one round trip (both files, and the key download). After a change the apt lists are refreshed;
 * when `apt-get update` reports an error for this repository, the previous files are restored and the task
 * fails with apt's lines, so a bad repository never leaves the host's apt broken.
 *
 * + name: the file names; uris, suites, components, architectures, types: the deb822 fields
 * + key (armored text) or keyUrl (fetched on the host); keyFingerprint: the pin
 * + state: 'present' (default) or 'absent'; updateCache: refresh the lists after a change (default true)
 *
 * Plan lines: `create key /etc/apt/keyrings/docker.gpg (9DC8 5822 …)`, `replace key … (OLD → NEW)`,
 * `create /etc/apt/sources.list.d/docker.sources` (with a unified diff), `content of …`, `mode 0600 → 0644 of …`,
 * `remove …`, `refresh the apt lists`.
 *
 * @example
 * aptRepository({
 *   name: 'docker',
 *   uris: `https://download.docker.com/linux/${facts.os.id}`,
 *   suites: facts.os.codename,
 *   components: ['stable'],
 *   architectures: [facts.debArch],
 *   keyUrl: `https://download.docker.com/linux/${facts.os.id}/gpg`,
 *   keyFingerprint: '9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88',
 * })
 * aptRepository({ name: 'internal', uris: 'https://apt.example.com', suites: 'stable/', key: armoredKeyText })
 */
export function aptRepository(options: AptRepositoryOptions): Resource<AptRepositoryState> {
  const desired = aptRepositoryDesired(options);
  const where = `apt repository ${desired.name}`;

  return {
    kind: 'apt-repository',
    id: desired.name,
    probe: (ctx) => ({
      script: probeScript(desired),
      parse: (result) => {
        const { stdout, stderr } = checkExit(ctx.transport.hostName, result, `probing ${where}`, {
          code: 'PROBE_FAILED',
        });
        return { ...parseAptRepositoryProbe(stdout, stderr), asRoot: ctx.facts.isRoot };
      },
    }),
    plan: (current) => planAptRepository(current, desired),
    async execute(ctx, action) {
      const step = action as AptRepositoryStep;
      if (step.name === 'refresh-apt-lists') await refreshLists(ctx, step, desired);
      else
        throw new TaskError(
          'KEY_FETCH_FAILED',
          `${ctx.transport.hostName}: ${where}: ${step.reason}; install curl (and ca-certificates) in an earlier task.`,
        );
    },
  };
}

/** A file as it was before the change: its content and mode, or absent (to remove). */
interface PreviousFile {
  path: string;
  before?: ProbedFile<string | Buffer>;
}

/**
 * The resource's own actions: `apt-get update`, which puts `restore` back when apt rejects the repository;
 * and the download of a key the host has no tool for, which fails the task (its plan waited for an earlier
 * task to install curl, and none did).
 */
type AptRepositoryStep =
  | (CustomAction & { name: 'refresh-apt-lists'; restore?: PreviousFile[] })
  | (CustomAction & { name: 'download-key'; url: string; reason: string });

/** The plan of an apt repository: pure, from the probed files and the wanted ones. */
export function planAptRepository(current: AptRepositoryState, desired: AptRepositoryDesired): Plan {
  const decision = decideAptRepository(current, desired);
  const actions: Action[] = [];
  if (decision.blocker)
    actions.push(custom('download-key', { url: desired.keyUrl, reason: decision.blocker }));
  const prepare: ShellCommand[] = [];
  if (decision.createKeyringDir) prepare.push(sh`mkdir -p -m 0755 ${keyringDir}`);
  if (decision.chmod.length > 0) prepare.push(sh`chmod ${fileMode} ${decision.chmod}`);
  if (decision.remove.length > 0) prepare.push(sh`rm -f -- ${decision.remove}`);
  if (prepare.length > 0)
    actions.push(
      run(
        prepare.map(String).join(' && '),
        `changing apt repository ${desired.name}`,
        'APT_REPOSITORY_FAILED',
        {
          ...rootHint(current.asRoot, 'apt repositories need root'),
        },
      ),
    );
  if (decision.writeKey) actions.push(upload(desired.keyPath, decision.writeKey, { mode: fileMode }));
  if (decision.writeSources) actions.push(upload(desired.sourcesPath, desired.sources, { mode: fileMode }));
  if (decision.refresh) {
    const restore: PreviousFile[] = [
      { path: desired.sourcesPath, ...(current.sources ? { before: current.sources } : {}) },
      { path: desired.keyPath, ...(current.key ? { before: current.key } : {}) },
    ];
    actions.push(custom('refresh-apt-lists', desired.state === 'present' ? { restore } : {}));
  }
  return {
    actions,
    changes: decision.lines,
    ...(decision.diff ? { diff: decision.diff } : {}),
    ...(decision.blocker ? { needsEarlierChanges: decision.blocker } : {}),
  };
}

/**
 * Decides what to write, chmod, remove and refresh. Throws a TaskError when the wanted key is not a key,
 * does not match the pinned fingerprint, or cannot be fetched (unless the key file already matches the pin).
 */
export function decideAptRepository(
  current: AptRepositoryState,
  desired: AptRepositoryDesired,
): AptRepositoryDecision {
  const decision: AptRepositoryDecision = {
    lines: [],
    createKeyringDir: false,
    writeSources: false,
    chmod: [],
    remove: [],
    refresh: false,
  };
  const { keyPath, sourcesPath } = desired;

  if (desired.state === 'absent') {
    for (const [path, present] of [
      [sourcesPath, current.sources],
      [keyPath, current.key],
    ] as const) {
      if (!present) continue;
      decision.remove.push(path);
      decision.lines.push(`remove ${path}`);
    }
  } else {
    planKey(current, desired, decision);
    if (current.sources?.content !== desired.sources) {
      decision.writeSources = true;
      decision.lines.push(current.sources ? `content of ${sourcesPath}` : `create ${sourcesPath}`);
      decision.diff = contentDiff(sourcesPath, current.sources?.content ?? '', desired.sources);
    } else if (current.sources.mode !== fileMode) {
      decision.chmod.push(sourcesPath);
      decision.lines.push(`mode ${current.sources.mode} → ${fileMode} of ${sourcesPath}`);
    }
  }
  const contentChanged =
    decision.writeKey !== undefined || decision.writeSources || decision.remove.length > 0;
  if (desired.updateCache && contentChanged) {
    decision.refresh = true;
    decision.lines.push('refresh the apt lists');
  }
  return decision;
}

function planKey(
  current: AptRepositoryState,
  desired: AptRepositoryDesired,
  decision: AptRepositoryDecision,
): void {
  const { keyPath, keyFingerprint } = desired;
  const currentFingerprint = current.key ? fingerprintOf(current.key.content) : undefined;
  const source = desired.keyUrl ?? `key of apt repository ${desired.name}`;
  let wanted: SigningKey;
  if (desired.keyUrl === undefined) {
    wanted = readSigningKey(desired.key ?? '', source);
  } else {
    const fetched = current.fetched;
    if (!fetched || 'toolMissing' in fetched) {
      // An earlier task of the run (the role's prerequisites) may install curl.
      decision.createKeyringDir = !current.keyringDirExists;
      decision.lines.push(`${current.key ? 'replace' : 'create'} key ${keyPath} from ${desired.keyUrl}`);
      decision.blocker = 'neither curl nor wget is installed yet to download the key';
      return;
    }
    if ('error' in fetched) {
      if (keyFingerprint !== undefined && currentFingerprint === keyFingerprint) return;
      throw new TaskError(
        'KEY_FETCH_FAILED',
        `cannot download the key of apt repository ${desired.name} from ${desired.keyUrl}: ${fetched.error}\n` +
          'Make the URL reachable from the host, or give the key as armored text (`key`).',
      );
    }
    wanted = readSigningKey(fetched.content, source);
  }
  if (keyFingerprint !== undefined && wanted.fingerprint !== keyFingerprint) {
    throw new TaskError(
      'KEY_FINGERPRINT_MISMATCH',
      `${source}: the key's fingerprint is ${formatFingerprint(wanted.fingerprint)}, not the pinned ` +
        `${formatFingerprint(keyFingerprint)}. Check where the key comes from before changing the pin.`,
    );
  }
  if (current.key?.content.equals(wanted.binary)) {
    if (current.key.mode !== fileMode) {
      decision.chmod.push(keyPath);
      decision.lines.push(`mode ${current.key.mode} → ${fileMode} of ${keyPath}`);
    }
    return;
  }
  decision.createKeyringDir = !current.keyringDirExists;
  decision.writeKey = wanted.binary;
  const shown = formatFingerprint(wanted.fingerprint);
  if (!current.key) decision.lines.push(`create key ${keyPath} (${shown})`);
  else if (currentFingerprint === wanted.fingerprint)
    decision.lines.push(`content of key ${keyPath} (${shown})`);
  else
    decision.lines.push(
      `replace key ${keyPath} (${currentFingerprint ? formatFingerprint(currentFingerprint) : 'not a key'} → ${shown})`,
    );
}

/** The deb822 `.sources` file: one stanza, `Signed-By` naming the repository's own key file. */
export function renderSources(fields: {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  architectures?: string[];
  signedBy: string;
}): string {
  const lines = [
    '# Managed by Bosun: changes made here are overwritten.',
    `Types: ${fields.types.join(' ')}`,
    `URIs: ${fields.uris.join(' ')}`,
    `Suites: ${fields.suites.join(' ')}`,
  ];
  if (fields.components.length > 0) lines.push(`Components: ${fields.components.join(' ')}`);
  if (fields.architectures?.length) lines.push(`Architectures: ${fields.architectures.join(' ')}`);
  lines.push(`Signed-By: ${fields.signedBy}`);
  return `${lines.join('\n')}\n`;
}

/**
 * apt-get update's errors about one of these URIs: `Err:` and `E:` lines, and the warnings that mean the
 * repository's lists were not fetched (other warnings, e.g. about another source's legacy keyring, do not count).
 */
export function aptUpdateProblems(output: string, uris: string[]): string[] {
  const bases = uris.map((uri) => uri.replace(/\/+$/, ''));
  return output
    .split('\n')
    .filter(
      (line) =>
        /^(Err:|E:|W: (Failed to fetch|GPG error|The repository))/.test(line) &&
        bases.some((base) => line.includes(base)),
    );
}

/** Reads the probe's output (key=value lines on stdout; the download's errors on stderr). */
export function parseAptRepositoryProbe(stdout: string, stderr: string): Omit<AptRepositoryState, 'asRoot'> {
  const values = parseKeyValues(stdout);
  const file = <T>(name: string, decode: (b64: string) => T): ProbedFile<T> | undefined => {
    const content = values.get(name);
    return content === undefined
      ? undefined
      : { content: decode(content), mode: (values.get(`${name}_mode`) ?? '').padStart(4, '0') };
  };
  const state: Omit<AptRepositoryState, 'asRoot'> = {
    sources: file('sources', (b64) => Buffer.from(b64, 'base64').toString('utf8')),
    key: file('key', (b64) => Buffer.from(b64, 'base64')),
    keyringDirExists: !values.has('keyring_dir_missing'),
  };
  if (values.has('fetch_tool_missing')) state.fetched = { toolMissing: true };
  else if (/^fetch_error=/m.test(stderr)) {
    const error = stderr
      .split('\n')
      .map((line) => line.replace(/^fetch_error=/, '').trim())
      .filter(Boolean)
      .join('; ');
    state.fetched = { error };
  } else if (values.has('fetched'))
    state.fetched = { content: Buffer.from(values.get('fetched') ?? '', 'base64') };
  return state;
}

function fingerprintOf(content: Buffer): string | undefined {
  try {
    return readSigningKey(content, 'the current key file').fingerprint;
  } catch {
    return undefined;
  }
}

function probeScript(desired: AptRepositoryDesired): string {
  // Each file as `NAME_mode=644` and `NAME=<base64>`: a key is binary.
  const printFile = (name: string, path: string) =>
    String(
      sh`if [ -f ${path} ]; then echo "${raw(name)}_mode=$(stat -c %a -- ${path})"; printf '${raw(name)}='; base64 -w0 < ${path}; echo; fi`,
    );
  const lines = [
    String(sh`[ -d ${keyringDir} ] || echo keyring_dir_missing=1`),
    printFile('sources', desired.sourcesPath),
    printFile('key', desired.keyPath),
  ];
  if (desired.state === 'present' && desired.keyUrl !== undefined) {
    lines.push(
      String(sh`url=${desired.keyUrl}`),
      'if command -v curl >/dev/null 2>&1; then',
      `  printf 'fetched='; { curl -fsSL --proto '=https,http' --connect-timeout 10 --max-time 60 -- "$url" || echo "fetch_error=curl exit $?" >&2; } | base64 -w0; echo`,
      'elif command -v wget >/dev/null 2>&1; then',
      `  printf 'fetched='; { wget -q -T 30 -O - -- "$url" || echo "fetch_error=wget exit $?" >&2; } | base64 -w0; echo`,
      'else echo fetch_tool_missing=1; fi',
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/**
 * Refreshes the apt lists. When apt reports an error about this repository and `restore` is given, the
 * previous files go back (or the new ones go) and the task fails with apt's lines.
 */
async function refreshLists(
  ctx: ResourceContext,
  { restore }: { restore?: PreviousFile[] },
  desired: AptRepositoryDesired,
): Promise<void> {
  const where = `apt repository ${desired.name}`;
  const update = await ctx.transport.exec('LC_ALL=C apt-get -q -o DPkg::Lock::Timeout=120 update 2>&1');
  const problems = aptUpdateProblems(update.stdout, desired.uris);
  if (problems.length > 0 && restore) {
    await putBack(ctx, restore, desired.sourcesPath);
    throw new TaskError(
      'APT_REPOSITORY_FAILED',
      `${ctx.transport.hostName}: apt-get update failed for ${where}; its previous files were restored:\n${problems.join('\n')}`,
    );
  }
  if (update.code !== 0) {
    throw new TaskError(
      'APT_UPDATE_FAILED',
      `${ctx.transport.hostName}: apt-get update failed (exit ${update.code}) after changing ${where}:\n${lastLines(update.stdout, 20)}`,
    );
  }
}

/** Puts back the files the probe found (or removes the new ones), after apt rejected the repository. */
async function putBack(ctx: ResourceContext, files: PreviousFile[], sourcesPath: string): Promise<void> {
  const removals: string[] = [];
  for (const { path, before } of files) {
    if (before) await ctx.transport.upload(path, before.content, { mode: before.mode });
    else removals.push(path);
  }
  if (removals.length > 0)
    await runChecked(ctx.transport, sh`rm -f -- ${removals}`, `restoring ${sourcesPath}`, {
      code: 'APT_REPOSITORY_FAILED',
    });
}

/** The wanted state from the options, checked (OptionsError) and with the deb822 file rendered. */
export function aptRepositoryDesired(options: AptRepositoryOptions): AptRepositoryDesired {
  const name = String(options.name);
  const where = `aptRepository ${name}`;
  const fail = (message: string): never => {
    throw new OptionsError('APT_REPOSITORY_OPTIONS', `${where}: ${message}`);
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.'))
    fail('name must be letters, digits, _ . - (apt ignores other file names in sources.list.d).');
  const list = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const words = (field: string, values: string[], pattern = /^[^\s#]+$/) => {
    for (const value of values)
      if (typeof value !== 'string' || !pattern.test(value))
        fail(`${field} '${String(value)}' is not valid.`);
    return values;
  };
  const uris = words('URI', list(options.uris), /^[a-z][a-z0-9+.-]*:[^\s#]+$/);
  const suites = words('suite', list(options.suites));
  const components = words('component', options.components ?? []);
  const architectures = options.architectures && words('architecture', options.architectures, /^[a-z0-9-]+$/);
  const types = words('type', options.types ?? ['deb'], /^deb(-src)?$/);
  const state = options.state ?? 'present';
  if (uris.length === 0 || suites.length === 0) fail('give at least one URI and one suite.');
  const flat = suites.every((suite) => suite.endsWith('/'));
  if (flat ? components.length > 0 : components.length === 0)
    fail(
      flat
        ? "a flat repository (suite ending in '/') takes no components."
        : "give the components, e.g. ['main'] (or a suite ending in '/' for a flat repository).",
    );
  if (state === 'present' && (options.key === undefined) === (options.keyUrl === undefined))
    fail('give the signing key as `key` (armored text) or `keyUrl`, one of the two.');
  if (options.keyUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(options.keyUrl))
    fail(`keyUrl '${options.keyUrl}' must be an http(s) URL.`);
  let keyFingerprint: string | undefined;
  if (options.keyFingerprint !== undefined) {
    keyFingerprint = normalizeFingerprint(options.keyFingerprint);
    if (!keyFingerprint)
      fail(`keyFingerprint '${options.keyFingerprint}' is not a fingerprint (40 or 64 hex digits).`);
  }
  const keyPath = `${keyringDir}/${name}.gpg`;
  return {
    name,
    state,
    sourcesPath: `${sourcesDir}/${name}.sources`,
    keyPath,
    sources: renderSources({ types, uris, suites, components, architectures, signedBy: keyPath }),
    uris,
    key: options.key,
    keyUrl: options.keyUrl,
    keyFingerprint,
    updateCache: options.updateCache ?? true,
  };
}
