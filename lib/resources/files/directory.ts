import { TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from './absolute-path.js';
import { normalizeMode } from './file-mode.js';
import {
  attributeChanges,
  describeAttributes,
  fileProbeValues,
  missingOwnership,
  parseStat,
  setAttributesCommand,
  statScript,
  type PathAttributes,
  type PathStat,
} from './path-attributes.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';

export interface DirectoryOptions {
  /** Absolute path of the directory; missing parents are created too. */
  path: string;
  /** Octal mode as a string: '0755'. Unset: a new directory gets the umask's default, an existing one keeps its mode. */
  mode?: string;
  owner?: string;
  group?: string;
  /** 'present' (default) or 'absent' (removed with everything in it). */
  state?: 'present' | 'absent';
  /** Apply owner, group and mode to everything inside as well (chown -R / chmod -R; symlinks keep their mode). */
  recurse?: boolean;
}

export interface DirectoryState {
  stat?: PathStat;
  ownerMissing: boolean;
  groupMissing: boolean;
  /** With `recurse`: how many entries inside have another owner, group or mode. */
  mismatchedInside: number;
}

export interface DirectoryDesired extends PathAttributes {
  path: string;
  state: 'present' | 'absent';
  recurse: boolean;
}

/**
 * A directory with its mode and owner (Ansible's `file: state=directory`, pyinfra's `files.directory`).
 *
 * + path: absolute path; parents are created as needed
 * + mode, owner, group: the wanted attributes (unset: left as they are)
 * + recurse: apply them to everything inside too
 * + state: 'present' (default) or 'absent'
 *
 * Plan lines: `create /srv/app`, `mode 0755 → 0750`, `owner root → deploy`,
 * `owner/group/mode of 12 entries inside /srv/app`, `remove /srv/app and everything in it`.
 *
 * @example
 * directory({ path: '/srv/app', owner: 'deploy', group: 'deploy', mode: '0750', recurse: true })
 */
export function directory(options: DirectoryOptions): Resource<DirectoryState> {
  const where = `directory ${options.path}`;
  const desired: DirectoryDesired = {
    path: absolutePath(options.path, 'directory'),
    state: options.state ?? 'present',
    recurse: options.recurse ?? false,
    mode: options.mode === undefined ? undefined : normalizeMode(options.mode, where),
    owner: options.owner,
    group: options.group,
  };
  const { path } = desired;

  return {
    kind: 'directory',
    id: path,
    probe: (ctx) => ({
      script: directoryProbeScript(desired),
      parse: (result) => parseDirectoryProbe(fileProbeValues(ctx.transport.hostName, path, result)),
    }),
    plan: (current) => planDirectory(current, desired),
  };
}

/** Reads the `key=value` lines of the directory's probe script. */
function parseDirectoryProbe(values: Map<string, string>): DirectoryState {
  return {
    stat: parseStat(values),
    ownerMissing: values.has('owner_missing'),
    groupMissing: values.has('group_missing'),
    mismatchedInside: Number(values.get('mismatched') ?? 0),
  };
}

/** The plan of a directory: pure, from the probed state and the wanted directory. */
export function planDirectory(current: DirectoryState, desired: DirectoryDesired): Plan {
  const { stat } = current;
  const { path } = desired;
  if (stat && stat.type !== 'directory') {
    throw new TaskError(
      'NOT_A_DIRECTORY',
      `${path} is a ${stat.description}, not a directory: remove it first with file({ state: 'absent' }).`,
    );
  }
  if (desired.state === 'absent') {
    if (!stat) return noChange();
    return {
      actions: [run(sh`rm -rf -- ${path}`, `removing ${path}`, 'DIRECTORY_FAILED')],
      changes: [`remove ${path} and everything in it`],
    };
  }

  const changes = stat ? attributeChanges(stat, desired) : [`create ${path}${describeAttributes(desired)}`];
  if (stat && desired.recurse && current.mismatchedInside > 0) {
    const what = (['owner', 'group', 'mode'] as const).filter((key) => desired[key]).join('/');
    changes.push(`${what} of ${current.mismatchedInside} entries inside ${path}`);
  }
  if (changes.length === 0) return noChange();
  // A new directory is empty: recurse has nothing to do inside it yet.
  const setUp = [
    stat ? undefined : sh`mkdir -p -- ${path}`,
    setAttributesCommand(path, desired, desired.recurse && !!stat),
  ].filter((part) => part !== undefined);
  const blocker = missingOwnership(desired, { owner: current.ownerMissing, group: current.groupMissing });
  return {
    actions: [run(setUp.join(' && '), `setting up ${path}`, 'DIRECTORY_FAILED')],
    changes,
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

function directoryProbeScript(desired: DirectoryDesired): string {
  const lines = [String(sh`p=${desired.path}`), statScript(desired)];
  const tests = [
    desired.owner && sh`! -user ${desired.owner}`,
    desired.group && sh`! -group ${desired.group}`,
    // chmod -R leaves symlinks alone (their mode is always 0777), so they never count as different.
    desired.mode && sh`\\( ! -type l ! -perm ${desired.mode} \\)`,
  ].filter(Boolean);
  if (desired.state === 'present' && desired.recurse && tests.length > 0) {
    lines.push(
      // find cannot test for a user that does not exist yet: the plan reports that instead.
      'if [ -d "$p" ] && [ -z "$missing" ]; then',
      `  echo "mismatched=$(find "$p" -mindepth 1 \\( ${tests.join(' -o ')} \\) -print | wc -l)"`,
      'fi',
    );
  }
  return lines.join('\n');
}
