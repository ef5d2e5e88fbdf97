import { OptionsError, TaskError } from '../../errors.js';
import { absolutePath } from './absolute-path.js';
import { contentDiff } from './content-diff.js';
import { normalizeMode } from './file-mode.js';
import { isJsonObject, jsonChanges, jsonEqual, mergeJson, type JsonObject } from './json-file-merge.js';
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

export interface JsonFileOptions {
  /** Absolute path of the JSON file on the host. */
  path: string;
  /**
   * The wanted keys. Merged into the file's object: nested objects key by key, arrays and other values
   * replaced; keys the file has and `content` does not are kept (unless `exclusive`). Values must be JSON
   * (`undefined` members are left out, as JSON.stringify does).
   */
  content: Record<string, unknown>;
  /** The file is exactly `content`: other keys are removed, and a file that is not valid JSON is replaced. */
  exclusive?: boolean;
  /** Octal mode as a string; unset keeps the mode (0644 for a new file). */
  mode?: string;
  owner?: string;
  group?: string;
  /** Command run on the new content before it replaces the file; `%s` is its temporary path. */
  validate?: string;
  /** Indentation of the written JSON. Default 2. */
  indent?: number;
}

/** What the probe read about the file. */
export interface JsonFileState extends WriteTarget {
  /** The current text of a regular file: the merge needs it, with or without `--diff`. */
  text?: string;
}

export interface JsonFileDesired extends PathAttributes {
  path: string;
  content: JsonObject;
  exclusive: boolean;
  indent: number;
  validate?: string;
}

/** What the plan writes (undefined: the content is already right), with its lines and diff. */
export interface JsonFileDecision {
  lines: string[];
  diff?: string;
  write?: string;
  blocker?: string;
}

/** Larger files are refused: a JSON configuration file this big is a mistake, and its diff unreadable. */
const sizeLimit = 1024 * 1024;

/**
 * A JSON file managed as a merge (Docker's daemon.json, a tool's settings file): the wanted keys are set, the
 * others kept unless `exclusive`. The comparison is of the parsed JSON, so a file that only differs in
 * formatting or key order is left alone. Written pretty-printed and atomically (temporary file, `validate`,
 * rename), so a rejected or failed write leaves the old file.
 *
 * + path: absolute path; content: the wanted keys; exclusive: the file is exactly `content`
 * + mode, owner, group: the file's attributes
 * + validate: command checking the new content before it is installed, `%s` is its path
 * + indent: spaces of indentation (default 2)
 *
 * Plan lines, one per key that differs: `create /etc/docker/daemon.json`, `add live-restore: true`,
 * `log-opts.max-size: "20m" → "10m"`, `remove debug` (exclusive only), `mode 0600 → 0644`. The diff is a
 * unified diff of the pretty-printed JSON before and after, so even a one-line file diffs key by key.
 *
 * @example
 * jsonFile({
 *   path: '/etc/docker/daemon.json',
 *   content: { 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m', 'max-file': '3' }, 'live-restore': true },
 *   validate: 'dockerd --validate --config-file %s',
 * })
 */
export function jsonFile(options: JsonFileOptions): Resource<JsonFileState> {
  const path = absolutePath(options.path, 'jsonFile');
  const where = `jsonFile ${path}`;
  const content: unknown = JSON.parse(JSON.stringify(options.content ?? null) ?? 'null');
  if (!isJsonObject(content))
    throw new OptionsError('JSON_FILE_OPTIONS', `${where}: content must be an object of the wanted keys.`);
  if (options.validate !== undefined && !options.validate.includes('%s'))
    throw new OptionsError(
      'JSON_FILE_OPTIONS',
      `${where}: validate must contain %s (the path of the new content), e.g. 'dockerd --validate --config-file %s'.`,
    );
  const indent = options.indent ?? 2;
  if (!Number.isInteger(indent) || indent < 0 || indent > 10)
    throw new OptionsError('JSON_FILE_OPTIONS', `${where}: indent must be a whole number from 0 to 10.`);
  const desired: JsonFileDesired = {
    path,
    content,
    exclusive: options.exclusive ?? false,
    indent,
    validate: options.validate,
    mode: options.mode === undefined ? undefined : normalizeMode(options.mode, where),
    owner: options.owner,
    group: options.group,
  };

  return {
    kind: 'json-file',
    id: path,
    probe: (ctx) => ({
      script: [
        writeTargetScript(path, desired),
        'if [ -f "$p" ] && [ ! -L "$p" ]; then',
        `  if [ "$(stat -c %s -- "$p")" -gt ${sizeLimit} ]; then echo too_large=1`,
        // On its own line: after 'text=' it would read as the text.
        `  else printf 'text='; base64 -w0 < "$p" || { echo; echo unreadable=1; }; echo; fi`,
        'fi',
      ].join('\n'),
      parse(result) {
        const values = fileProbeValues(ctx.transport.hostName, path, result, ' to merge into it');
        if (values.has('too_large'))
          throw new TaskError(
            'JSON_FILE_TOO_LARGE',
            `${ctx.transport.hostName}: ${path} is larger than 1 MiB; jsonFile manages configuration files only.`,
          );
        const text = values.get('text');
        return {
          ...parseWriteTarget(values),
          text: text === undefined ? undefined : Buffer.from(text, 'base64').toString('utf8'),
        };
      },
    }),
    plan: (current) => planJsonFile(current, desired),
  };
}

/** The plan of a JSON file: pure, from the probed file and the wanted keys. */
export function planJsonFile(current: JsonFileState, desired: JsonFileDesired): Plan {
  const { lines, diff, write, blocker } = decideJsonFile(current, desired);
  if (lines.length === 0) return noChange();
  const { path, mode, owner, group, validate } = desired;
  return {
    actions: writeFileActions(path, write, { mode, owner, group }, { validate }),
    changes: lines,
    ...(diff ? { diff } : {}),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

/**
 * Decides the new content and the plan lines. Throws when something other than a regular file is in the way,
 * or (without `exclusive`) when the current file is not a JSON object to merge into.
 */
export function decideJsonFile(current: JsonFileState, desired: JsonFileDesired): JsonFileDecision {
  const { stat } = current;
  const { path } = desired;
  const pretty = (value: unknown) => `${JSON.stringify(value, null, desired.indent)}\n`;
  const decision: JsonFileDecision = { lines: [] };
  if (stat && stat.type !== 'file')
    throw new TaskError(
      'NOT_A_FILE',
      `${path} is a ${stat.description}, not a regular file: remove it first.`,
    );

  if (!stat) {
    decision.write = pretty(desired.content);
    decision.lines.push(`create ${path}${describeAttributes(desired)}`);
    decision.diff = contentDiff(path, '', decision.write);
  } else {
    const text = current.text ?? '';
    const parsed = parseObject(text);
    if (parsed === undefined && !desired.exclusive) {
      throw new TaskError(
        'JSON_FILE_INVALID',
        `${path} is not a JSON object (${describeInvalid(text)}), so the wanted keys cannot be merged into it: ` +
          'fix or remove the file, or set exclusive to replace it.',
      );
    }
    const merged = desired.exclusive ? desired.content : mergeJson(parsed ?? {}, desired.content);
    if (parsed === undefined) {
      decision.write = pretty(merged);
      decision.lines.push('content (not a JSON object now: replaced)');
      decision.diff = contentDiff(path, text, decision.write);
    } else if (!jsonEqual(parsed, merged)) {
      decision.write = pretty(merged);
      decision.lines.push(...jsonChanges(parsed, merged));
      decision.diff = contentDiff(path, pretty(parsed), decision.write);
    }
    decision.lines.push(...attributeChanges(stat, desired));
  }
  if (decision.lines.length > 0) {
    const blocker = fileWriteBlocker(path, desired, current);
    if (blocker) decision.blocker = blocker;
  }
  return decision;
}

/** The file's object; an empty file counts as `{}`. Undefined when it is not JSON or not an object. */
function parseObject(text: string): JsonObject | undefined {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeInvalid(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return `it holds ${Array.isArray(value) ? 'an array' : `a ${value === null ? 'null' : typeof value}`}`;
  } catch (error) {
    return `invalid JSON: ${(error as Error).message}`;
  }
}
