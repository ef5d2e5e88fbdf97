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
  type PathStat,
  type WriteTarget,
} from './path-attributes.js';
import { renderTemplate } from './render-template.js';
import { run } from '../actions.js';
import { noChange, type Plan, type Probe, type Resource, type ResourceContext } from '../resource.js';

export interface FileOptions {
  /** Absolute path of the file on the host. */
  path: string;
  /** The exact content (text or bytes). Leave both `content` and `template` out to manage only mode/owner. */
  content?: string | Buffer;
  /** A Jinja2-syntax template on the control machine (path or URL), rendered with `vars`. */
  template?: string | URL;
  /** Variables of the template. */
  vars?: Record<string, unknown>;
  /** Octal mode as a string: '0644'. A new file gets 0644 when unset; an existing one keeps its mode. */
  mode?: string;
  /** User name or uid; unset keeps the current owner (root for a new file written as root). */
  owner?: string;
  group?: string;
  /** Command run on the new content before it replaces the file; `%s` is its temporary path (Ansible's `validate`). */
  validate?: string;
  /** Keep the replaced file as PATH.YYYY-MM-DD@HH:MM:SS~ (Ansible's `backup`). */
  backup?: boolean;
  /** 'present' (default) or 'absent' (the file is removed). */
  state?: 'present' | 'absent';
}

/** What the probe read about the file. */
export interface FileState extends WriteTarget {
  /** sha256 (hex) of the current content of a regular file. */
  sha256?: string;
  /** The current content, read for `--diff` only: when it differs from the wanted one and is at most `diffLimitBytes`. */
  content?: Buffer;
}

/** The wanted file, after rendering. */
export interface FileDesired extends PathAttributes {
  path: string;
  state: 'present' | 'absent';
  /** undefined: content is not managed (a missing file is created empty). */
  content?: Buffer;
  validate?: string;
  backup?: boolean;
}

/** What the file probe reads: the path's stat and, with `content`, the digest of a regular file's content. */
export interface FileProbeTarget extends PathAttributes {
  path: string;
  /** Read the content's digest (and with `--diff`, the content itself). */
  content: boolean;
  /** Digest of the wanted content: `--diff` then fetches the old content only when it differs. Unset: fetched. */
  wantedSha256?: string;
}

/** Above this size even `--diff` compares digests only: the probe leaves the old content, the plan shows no diff. */
export const diffLimitBytes = 4 * 1024 * 1024;

/**
 * A file with exact content, mode and owner (Ansible's `copy` + `template` + `file`, pyinfra's `files.put`
 * + `files.template` + `files.file`). Content is written atomically: a temporary file beside the target,
 * `validate`d, then renamed over it, so a rejected or failed write leaves the old file as it was.
 *
 * + path: absolute path on the host
 * + content / template + vars: the wanted content (a string or Buffer, or a Jinja2 template rendered with
 *   nunjucks: no escaping, `trim_blocks`, undefined variables are errors)
 * + mode, owner, group: the wanted attributes (unset: left as they are)
 * + validate: command checking the new content before it is installed, `%s` is its path
 * + backup: keep the replaced file beside it with a timestamp
 * + state: 'present' (default) or 'absent'
 *
 * Plan lines: `create /etc/motd`, `content` (with a unified diff), `mode 0600 → 0644`,
 * `owner root → deploy`, `group root → deploy`, `remove /etc/motd`.
 *
 * @example
 * file({ path: '/etc/motd', content: 'Managed by Bosun\n', mode: '0644' })
 * file({
 *   path: '/etc/ssh/sshd_config.d/50-bosun.conf',
 *   template: new URL('./templates/sshd.conf.j2', import.meta.url),
 *   vars: { port: 52231 },
 *   validate: '/usr/sbin/sshd -t -f %s',
 *   backup: true,
 * })
 */
export function file(options: FileOptions): Resource<FileState> {
  const path = absolutePath(options.path, 'file');
  const where = `file ${path}`;
  const state = options.state ?? 'present';
  if (options.content !== undefined && options.template !== undefined)
    throw new OptionsError('FILE_OPTIONS', `${where}: give either content or template, not both.`);
  if (state === 'absent' && (options.content !== undefined || options.template !== undefined))
    throw new OptionsError(
      'FILE_OPTIONS',
      `${where}: content and template have no meaning with state 'absent'.`,
    );
  if (options.validate !== undefined && !options.validate.includes('%s'))
    throw new OptionsError(
      'FILE_OPTIONS',
      `${where}: validate must contain %s (the path of the new content), e.g. 'visudo -cf %s'.`,
    );
  const attributes: PathAttributes = {
    mode: options.mode === undefined ? undefined : normalizeMode(options.mode, where),
    owner: options.owner,
    group: options.group,
  };

  // Rendered once, at the first probe: a template error fails this task, not the loading of the playbook.
  let desired: FileDesired | undefined;
  const wanted = (): FileDesired => {
    desired ??= {
      path,
      state,
      ...attributes,
      validate: options.validate,
      backup: options.backup,
      content:
        options.template !== undefined
          ? Buffer.from(renderTemplate(options.template, options.vars ?? {}))
          : options.content === undefined
            ? undefined
            : Buffer.from(options.content),
    };
    return desired;
  };

  return {
    kind: 'file',
    id: path,
    probe(ctx) {
      const want = wanted();
      const content = want.state === 'present' ? want.content : undefined;
      return fileProbe(
        { path, ...attributes, content: content !== undefined, wantedSha256: content && sha256(content) },
        ctx,
      );
    },
    plan: (current) => planFile(current, wanted()),
  };
}

/**
 * Reads a file in one script: its stat, whether its folder, owner and group exist, and the digest of its
 * content. The old content itself crosses the wire only with `--diff`, whose diff needs it.
 */
export function fileProbe(target: FileProbeTarget, ctx: ResourceContext): Probe<FileState> {
  const lines = [writeTargetScript(target.path, target)];
  if (target.content) {
    lines.push(
      'if [ -f "$p" ] && [ ! -L "$p" ]; then',
      '  sum=$(sha256sum < "$p") || { echo unreadable=1; exit 0; }',
      '  echo "sha256=${sum%% *}"',
    );
    if (ctx.diff)
      lines.push(
        String(
          sh`  if [ "\${sum%% *}" != ${target.wantedSha256 ?? ''} ] && [ "$(stat -c %s -- "$p")" -le ${diffLimitBytes} ]; then`,
        ),
        '    printf \'content=\'; base64 -w0 < "$p"; echo',
        '  fi',
      );
    lines.push('fi');
  }
  return {
    script: lines.join('\n'),
    parse(result) {
      const values = fileProbeValues(ctx.transport.hostName, target.path, result, ' to compare its content');
      const content = values.get('content');
      return {
        ...parseWriteTarget(values),
        sha256: values.get('sha256'),
        content: content === undefined ? undefined : Buffer.from(content, 'base64'),
      };
    },
  };
}

/**
 * The plan of a file: pure, from the probed state and the wanted file.
 * Throws when something other than a regular file is in the way (a directory, a symlink, a device).
 */
export function planFile(current: FileState, desired: FileDesired): Plan {
  const { stat } = current;
  const { path } = desired;
  if (desired.state === 'absent') {
    if (!stat) return noChange();
    if (stat.type === 'directory') throw notAFile(path, stat, "use directory({ state: 'absent' })");
    return {
      actions: [run(sh`rm -f -- ${path}`, `removing ${path}`, 'FILE_FAILED')],
      changes: [`remove ${path}`],
    };
  }
  if (stat && stat.type !== 'file') throw notAFile(path, stat, "remove it first (state: 'absent')");

  const changes: string[] = [];
  let diff: string | undefined;
  const contentChanged =
    !stat || (desired.content !== undefined && current.sha256 !== sha256(desired.content));
  if (!stat) {
    changes.push(`create ${path}${describeAttributes(desired)}`);
    if (desired.content?.length) diff = contentDiff(path, '', desired.content);
  } else {
    if (contentChanged && stat.size > diffLimitBytes) {
      changes.push(`content (${stat.size} bytes now, too large to diff)`);
    } else if (contentChanged) {
      changes.push('content');
      // The old content is there with --diff only.
      if (current.content !== undefined) diff = contentDiff(path, current.content, desired.content!);
    }
    changes.push(...attributeChanges(stat, desired));
  }
  if (changes.length === 0) return noChange();
  const { mode, owner, group, validate, backup } = desired;
  const actions = writeFileActions(
    path,
    contentChanged ? (desired.content ?? Buffer.alloc(0)) : undefined,
    { mode, owner, group },
    { validate, backup },
  );
  const blocker = fileWriteBlocker(path, desired, current);
  return {
    actions,
    changes,
    ...(diff ? { diff } : {}),
    ...(blocker ? { needsEarlierChanges: blocker } : {}),
  };
}

function notAFile(path: string, stat: PathStat, fix: string): TaskError {
  return new TaskError('NOT_A_FILE', `${path} is a ${stat.description}, not a regular file: ${fix}.`);
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
