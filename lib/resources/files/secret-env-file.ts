import { createHash } from 'node:crypto';
import { OptionsError, TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from './absolute-path.js';
import { contentDiff } from './content-diff.js';
import { normalizeMode } from './file-mode.js';
import {
  attributeChanges,
  describeAttributes,
  fileProbeValues,
  fileWriteBlocker,
  parseWriteTarget,
  writeFileActions,
  writeTargetScript,
  type PathAttributes,
  type WriteTarget,
} from './path-attributes.js';
import { noChange, type Plan, type Resource } from '../resource.js';

export interface SecretEnvFileOptions {
  /** Absolute path on the host, e.g. '/opt/app/.env'. */
  path: string;
  /** Variable name → value (usually from `secret(name)`). No value ever appears in a plan, diff or error. */
  values: Record<string, string>;
  /** Default '0600'. */
  mode?: string;
  owner?: string;
  group?: string;
}

/** What the probe read: attributes, and a hash per variable line (never a value). */
export interface SecretEnvFileState extends WriteTarget {
  sha256?: string;
  /** sha256 of each `NAME=...` line, by name; read only when the file's hash differs from the wanted one. */
  lines?: Record<string, string>;
}

export interface SecretEnvFileDesired extends PathAttributes {
  path: string;
  content: Buffer;
  /** sha256 of each line the file should have, by variable name. */
  lines: Record<string, string>;
}

const header = '# Managed by Bosun: secrets. Never commit this file; edits here are overwritten.\n';

/**
 * A dotenv file of secrets, as Docker Compose reads it (`env_file`, and `.env` for `${VAR}` interpolation),
 * mode 0600. Unlike `file`, its plan and diff never show a value, old or new: the probe returns a hash of
 * each line, so a rotated secret shows as `POSTGRES_PASSWORD: new value` and the value it replaces (no
 * longer registered with the redactor) never leaves the host.
 *
 * Values are written single-quoted (`NAME='value'`), which Compose v1 (python-dotenv) and v2 both read
 * literally: `$`, `#`, `"` and spaces are safe. A value holding a single quote, a backslash or a line break
 * is refused (the two parsers disagree on escapes).
 *
 * Plan lines: `create /opt/app/.env (mode 0600): A, B`, `A: new value`, `add C`, `remove D`,
 * `reorder or reformat`, `mode 0644 → 0600`, `owner ...`.
 *
 * @example
 * secretEnvFile({ path: '/opt/app/.env', values: { POSTGRES_PASSWORD: secret('APP_DB_PASSWORD') } })
 */
export function secretEnvFile(options: SecretEnvFileOptions): Resource<SecretEnvFileState> {
  const desired = desiredEnvFile(options);
  return {
    kind: 'env-file',
    id: desired.path,
    probe: (ctx) => ({
      script: probeScript(desired),
      parse: (result) =>
        parseSecretEnvFileProbe(
          fileProbeValues(ctx.transport.hostName, desired.path, result, ' to compare it'),
          desired,
        ),
    }),
    plan: (current) => planSecretEnvFile(current, desired),
  };
}

/** Reads the `key=value` lines of the probe script: the line hashes count only when the file differs. */
function parseSecretEnvFileProbe(
  values: Map<string, string>,
  desired: SecretEnvFileDesired,
): SecretEnvFileState {
  const lines = [...values].filter(([key]) => key.startsWith('line.'));
  return {
    ...parseWriteTarget(values),
    sha256: values.get('sha256'),
    ...(values.has('sha256') && values.get('sha256') !== sha256(desired.content)
      ? { lines: Object.fromEntries(lines.map(([key, hash]) => [key.slice('line.'.length), hash])) }
      : {}),
  };
}

/** The wanted file: validated names and values, its content and the hash of each line. */
export function desiredEnvFile(options: SecretEnvFileOptions): SecretEnvFileDesired {
  const path = absolutePath(options.path, 'env file');
  const lines: Record<string, string> = {};
  let content = header;
  for (const [name, value] of Object.entries(options.values)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new OptionsError(
        'ENV_NAME_INVALID',
        `env file ${path}: '${name}' is not a variable name (letters, digits, _).`,
      );
    if (/['\\\r\n\0]/.test(value))
      throw new OptionsError(
        'ENV_VALUE_UNSAFE',
        `env file ${path}: the value of ${name} holds a single quote, a backslash or a line break, which ` +
          'Compose v1 and v2 read differently; choose a value without them (e.g. a hex or base64url secret).',
      );
    const line = `${name}='${value}'`;
    lines[name] = sha256(Buffer.from(line));
    content += `${line}\n`;
  }
  return {
    path,
    content: Buffer.from(content),
    lines,
    mode: normalizeMode(options.mode ?? '0600', `env file ${path}`),
    owner: options.owner,
    group: options.group,
  };
}

/** The plan of a secret env file: pure, from the probed hashes. Its diff masks every value. */
export function planSecretEnvFile(current: SecretEnvFileState, desired: SecretEnvFileDesired): Plan {
  const names = Object.keys(desired.lines);
  const { stat } = current;
  if (stat && stat.type !== 'file')
    throw new TaskError(
      'NOT_A_FILE',
      `${desired.path} is a ${stat.description}, not a regular file: remove it first.`,
    );
  const changes: string[] = [];
  let diff: string | undefined;
  if (!stat) {
    changes.push(
      `create ${desired.path}${describeAttributes(desired)}: ${names.join(', ') || 'no variables'}`,
    );
    diff = contentDiff(desired.path, '', masked(names, new Set()));
  } else {
    if (current.sha256 !== sha256(desired.content)) {
      const now = current.lines ?? {};
      const changed = new Set(names.filter((name) => name in now && now[name] !== desired.lines[name]));
      const added = names.filter((name) => !(name in now));
      const removed = Object.keys(now).filter((name) => !(name in desired.lines));
      changes.push(
        ...[...changed].map((name) => `${name}: new value`),
        ...added.map((name) => `add ${name}`),
        ...removed.map((name) => `remove ${name}`),
      );
      if (changes.length === 0) changes.push('reorder or reformat');
      diff = contentDiff(desired.path, masked(Object.keys(now), new Set()), masked(names, changed));
    }
    changes.push(...attributeChanges(stat, desired));
  }
  if (changes.length === 0) return noChange();
  const { path, content, mode, owner, group } = desired;
  const blocker = fileWriteBlocker(path, desired, current);
  return {
    // The whole file even for a mode change alone: it is small, and one atomic write sets everything.
    actions: writeFileActions(path, content, { mode, owner, group }),
    changes,
    ...(diff ? { diff } : {}),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

/** The file as a diff shows it: names only, every value masked, changed ones marked. */
function masked(names: string[], changed: Set<string>): string {
  return names.map((name) => `${name}=***${changed.has(name) ? ' (new value)' : ''}\n`).join('');
}

function probeScript(desired: SecretEnvFileDesired): string {
  return [
    writeTargetScript(desired.path, desired),
    'if [ -f "$p" ] && [ ! -L "$p" ]; then',
    '  sum=$(sha256sum < "$p") || { echo unreadable=1; exit 0; }',
    '  echo "sha256=${sum%% *}"',
    String(sh`  if [ "\${sum%% *}" != ${sha256(desired.content)} ]; then`),
    '    while IFS= read -r line || [ -n "$line" ]; do',
    "      case $line in ''|'#'*) continue ;; esac",
    '      sum=$(printf %s "$line" | sha256sum)',
    '      printf \'line.%s=%s\\n\' "${line%%=*}" "${sum%% *}"',
    '    done < "$p"',
    '  fi',
    'fi',
  ].join('\n');
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
