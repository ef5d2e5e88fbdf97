import { dirname } from 'node:path';
import { sh, raw, type ShellCommand } from '../../transport/shell.js';
import { TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import type { ExecResult, UploadOptions } from '../../transport/transport.js';
import { checkExit } from '../commands/run-checked.js';
import { run, upload, type Action } from '../actions.js';

/** Mode and ownership a file or directory should have; unset means "leave as it is". */
export interface PathAttributes {
  /** Four-digit octal, already normalized. */
  mode?: string;
  /** User name or numeric uid. */
  owner?: string;
  /** Group name or numeric gid. */
  group?: string;
}

/** What `stat` says about an existing path. */
export interface PathStat {
  type: 'file' | 'directory' | 'link' | 'other';
  /** stat's own words ('symbolic link', 'fifo', ...), for messages. */
  description: string;
  mode: string;
  owner: string;
  uid: string;
  group: string;
  gid: string;
  size: number;
}

/**
 * Shell lines that print the stat of the path in "$p" as `key=value` lines (nothing when it does not exist),
 * then whether the wanted owner and group exist: an earlier task may be about to create them. Sets the shell
 * variable `missing` when one does not.
 */
export function statScript(attributes: PathAttributes): string {
  const lines = [
    String.raw`if [ -e "$p" ] || [ -L "$p" ]; then stat --printf 'type=%F\nmode=%a\nowner=%U\nuid=%u\ngroup=%G\ngid=%g\nsize=%s\n' -- "$p" || exit 3; fi`,
  ];
  if (attributes.owner && !isNumeric(attributes.owner))
    lines.push(
      String(sh`id -u -- ${attributes.owner} >/dev/null 2>&1 || { missing=1; echo owner_missing=1; }`),
    );
  if (attributes.group && !isNumeric(attributes.group))
    lines.push(
      String(sh`getent group -- ${attributes.group} >/dev/null 2>&1 || { missing=1; echo group_missing=1; }`),
    );
  return lines.join('\n');
}

/** Reads the output of `statScript`; undefined when the path does not exist. */
export function parseStat(values: Map<string, string>): PathStat | undefined {
  const description = values.get('type');
  if (description === undefined) return undefined;
  return {
    type: /^regular/.test(description)
      ? 'file'
      : description === 'directory'
        ? 'directory'
        : description === 'symbolic link'
          ? 'link'
          : 'other',
    description,
    mode: (values.get('mode') ?? '').padStart(4, '0'),
    owner: values.get('owner') ?? '',
    uid: values.get('uid') ?? '',
    group: values.get('group') ?? '',
    gid: values.get('gid') ?? '',
    size: Number(values.get('size') ?? 0),
  };
}

/** What the probe of a file to write reads: the path's stat; whether its folder, owner and group exist. */
export interface WriteTarget {
  /** undefined when nothing exists at the path. */
  stat?: PathStat;
  parentExists: boolean;
  ownerMissing: boolean;
  groupMissing: boolean;
}

/** Shell lines that set "$p" to the path and print what `parseWriteTarget` reads. */
export function writeTargetScript(path: string, attributes: PathAttributes): string {
  return [
    String(sh`p=${path}`),
    '[ -d "$(dirname -- "$p")" ] || echo parent_missing=1',
    statScript(attributes),
  ].join('\n');
}

/** Reads the output of `writeTargetScript`. */
export function parseWriteTarget(values: Map<string, string>): WriteTarget {
  return {
    stat: parseStat(values),
    parentExists: !values.has('parent_missing'),
    ownerMissing: values.has('owner_missing'),
    groupMissing: values.has('group_missing'),
  };
}

/**
 * The `key=value` lines of a file's probe, or its error: PROBE_FAILED when the script failed, FILE_UNREADABLE
 * when it printed `unreadable=1` (the login user may not read the file; `purpose` says what for).
 */
export function fileProbeValues(
  hostName: string,
  path: string,
  result: ExecResult,
  purpose = '',
): Map<string, string> {
  const values = parseKeyValues(
    checkExit(hostName, result, `probing ${path}`, { code: 'PROBE_FAILED' }).stdout,
  );
  if (values.has('unreadable'))
    throw new TaskError(
      'FILE_UNREADABLE',
      `${hostName}: cannot read ${path}${purpose}; run the task with become.`,
    );
  return values;
}

/** Why the attributes cannot be set yet (a user or group an earlier task creates), for Plan.needsEarlierChanges. */
export function missingOwnership(
  attributes: PathAttributes,
  missing: { owner: boolean; group: boolean },
): string | undefined {
  if (missing.owner) return `user ${attributes.owner} does not exist yet`;
  if (missing.group) return `group ${attributes.group} does not exist yet`;
  return undefined;
}

/**
 * Why a file cannot be written yet, for Plan.needsEarlierChanges: its folder, owner or group does not exist
 * (an earlier task of the run creates them). Undefined when nothing is missing.
 */
export function fileWriteBlocker(
  path: string,
  attributes: PathAttributes,
  current: { parentExists: boolean; ownerMissing: boolean; groupMissing: boolean },
): string | undefined {
  if (!current.parentExists) return `directory ${dirname(path)} does not exist yet`;
  return missingOwnership(attributes, { owner: current.ownerMissing, group: current.groupMissing });
}

/** Plan lines such as 'mode 0600 → 0644' and 'owner root → deploy' for an existing path. */
export function attributeChanges(current: PathStat, desired: PathAttributes): string[] {
  const changes: string[] = [];
  if (desired.mode && desired.mode !== current.mode) changes.push(`mode ${current.mode} → ${desired.mode}`);
  if (desired.owner && !sameId(desired.owner, current.owner, current.uid))
    changes.push(`owner ${current.owner} → ${desired.owner}`);
  if (desired.group && !sameId(desired.group, current.group, current.gid))
    changes.push(`group ${current.group} → ${desired.group}`);
  return changes;
}

/** chmod and chown of a path (and everything under it with `recursive`), or undefined when nothing is asked. */
export function setAttributesCommand(
  path: string,
  attributes: PathAttributes,
  recursive = false,
): ShellCommand | undefined {
  const flag = raw(recursive ? '-R ' : '');
  const parts: ShellCommand[] = [];
  if (attributes.owner || attributes.group) {
    const spec = `${attributes.owner ?? ''}${attributes.group ? `:${attributes.group}` : ''}`;
    parts.push(sh`chown ${flag}${spec} -- ${path}`);
  }
  if (attributes.mode) parts.push(sh`chmod ${flag}${attributes.mode} -- ${path}`);
  if (parts.length === 0) return undefined;
  return raw(parts.map(String).join(' && '));
}

/** Text for a creation line: ' (mode 0600, owner deploy)' or ''. */
export function describeAttributes(attributes: PathAttributes): string {
  const parts = [
    attributes.mode && `mode ${attributes.mode}`,
    attributes.owner && `owner ${attributes.owner}`,
    attributes.group && `group ${attributes.group}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const isNumeric = (id: string) => /^\d+$/.test(id);
const sameId = (wanted: string, name: string, id: string) => wanted === (isNumeric(wanted) ? id : name);

/**
 * The actions of a regular file's plan: new content goes up atomically (validated, with the attributes), else
 * the mode and owner are set in one command, the file left in place.
 */
export function writeFileActions(
  path: string,
  content: string | Buffer | undefined,
  attributes: PathAttributes,
  options: Pick<UploadOptions, 'validate' | 'backup'> = {},
): Action[] {
  if (content !== undefined) {
    // The atomic upload fails with the validator's output and leaves the old file in place.
    return [upload(path, content, definedOnly({ ...attributes, ...options }))];
  }
  const command = setAttributesCommand(path, attributes);
  return command ? [run(command, `setting mode/owner of ${path}`, 'FILE_FAILED')] : [];
}

/** The options without their unset members, so that plans compare equal to the actions a test writes. */
function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
