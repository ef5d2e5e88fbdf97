import { createHash } from 'node:crypto';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from './absolute-path.js';
import { contentDiff } from './content-diff.js';
import { normalizeMode } from './file-mode.js';
import {
  attributeChanges,
  describeAttributes,
  fileWriteBlocker,
  parseStat,
  writeFileOrAttributes,
  statScript,
  type PathAttributes,
  type PathStat,
} from './path-attributes.js';
import { renderTemplate } from './render-template.js';
import type { Plan, Resource } from '../resource.js';
import { runChecked } from '../commands/run-checked.js';

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
export interface FileState {
  /** undefined when nothing exists at the path. */
  stat?: PathStat;
  parentExists: boolean;
  ownerMissing: boolean;
  groupMissing: boolean;
  /** sha256 (hex) of the current content of a regular file. */
  sha256?: string;
  /** The current content, read only when it differs from the wanted one and is at most `diffLimitBytes`. */
  content?: Buffer;
}

/** The wanted file, after rendering. */
export interface FileDesired extends PathAttributes {
  path: string;
  state: 'present' | 'absent';
  /** undefined: content is not managed (a missing file is created empty). */
  content?: Buffer;
}

/** Above this size the probe compares checksums only, and the plan shows no diff. */
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
    async probe(ctx) {
      const want = wanted();
      const result = await runChecked(ctx.transport, fileProbeScript(want), `probing ${path}`, {
        code: 'PROBE_FAILED',
      });
      const values = parseKeyValues(result.stdout);
      if (values.has('unreadable')) {
        throw new TaskError(
          'FILE_UNREADABLE',
          `${ctx.transport.hostName}: cannot read ${path} to compare its content; run the task with become.`,
        );
      }
      const content = values.get('content');
      return {
        stat: parseStat(values),
        parentExists: !values.has('parent_missing'),
        ownerMissing: values.has('owner_missing'),
        groupMissing: values.has('group_missing'),
        sha256: values.get('sha256'),
        content: content === undefined ? undefined : Buffer.from(content, 'base64'),
      };
    },
    plan: (current) => planFile(current, wanted()),
    async apply(ctx, current) {
      const want = wanted();
      if (want.state === 'absent') {
        await runChecked(ctx.transport, sh`rm -f -- ${path}`, `removing ${path}`, { code: 'FILE_FAILED' });
        return;
      }
      const contentChanged =
        !current.stat || (want.content !== undefined && current.sha256 !== sha256(want.content));
      await writeFileOrAttributes(
        ctx.transport,
        path,
        contentChanged ? (want.content ?? Buffer.alloc(0)) : undefined,
        attributes,
        { validate: options.validate, backup: options.backup },
      );
    },
  };
}

/**
 * The plan of a file: pure, from the probed state and the wanted file.
 * Throws when something other than a regular file is in the way (a directory, a symlink, a device).
 */
export function planFile(current: FileState, desired: FileDesired): Plan {
  const { stat } = current;
  if (desired.state === 'absent') {
    if (!stat) return { changes: [] };
    if (stat.type === 'directory') throw notAFile(desired.path, stat, "use directory({ state: 'absent' })");
    return { changes: [`remove ${desired.path}`] };
  }
  if (stat && stat.type !== 'file') throw notAFile(desired.path, stat, "remove it first (state: 'absent')");

  const changes: string[] = [];
  let diff: string | undefined;
  if (!stat) {
    changes.push(`create ${desired.path}${describeAttributes(desired)}`);
    if (desired.content?.length) diff = contentDiff(desired.path, '', desired.content);
  } else {
    if (desired.content !== undefined && current.sha256 !== sha256(desired.content)) {
      if (current.content !== undefined) {
        changes.push('content');
        diff = contentDiff(desired.path, current.content, desired.content);
      } else {
        changes.push(`content (${stat.size} bytes now, too large to diff)`);
      }
    }
    changes.push(...attributeChanges(stat, desired));
  }
  const blocker = changes.length === 0 ? undefined : fileWriteBlocker(desired.path, desired, current);
  return { changes, ...(diff ? { diff } : {}), ...(blocker ? { needsEarlierChanges: blocker } : {}) };
}

function fileProbeScript(want: FileDesired): string {
  const lines = [
    String(sh`p=${want.path}`),
    '[ -d "$(dirname -- "$p")" ] || echo parent_missing=1',
    statScript(want),
  ];
  if (want.state === 'present' && want.content !== undefined) {
    lines.push(
      'if [ -f "$p" ] && [ ! -L "$p" ]; then',
      '  sum=$(sha256sum < "$p") || { echo unreadable=1; exit 0; }',
      '  echo "sha256=${sum%% *}"',
      String(
        sh`  if [ "\${sum%% *}" != ${sha256(want.content)} ] && [ "$(stat -c %s -- "$p")" -le ${diffLimitBytes} ]; then`,
      ),
      '    printf \'content=\'; base64 -w0 < "$p"; echo',
      '  fi',
      'fi',
    );
  }
  return lines.join('\n');
}

function notAFile(path: string, stat: PathStat, fix: string): TaskError {
  return new TaskError('NOT_A_FILE', `${path} is a ${stat.description}, not a regular file: ${fix}.`);
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
