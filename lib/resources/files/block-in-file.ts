import { TaskError } from '../../errors.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from './absolute-path.js';
import { contentDiff } from './content-diff.js';
import { fileProbeValues } from './path-attributes.js';
import { custom, upload } from '../actions.js';
import { noChange, type Plan, type Resource } from '../resource.js';

export interface BlockInFileOptions {
  /** An existing file (a package's configuration, say): the block is added to it, never the file created. */
  path: string;
  /** The lines between the markers. */
  block: string;
  /** Default '# BEGIN BOSUN MANAGED BLOCK'; give a tool's own markers to take over the block it wrote. */
  markerBegin?: string;
  markerEnd?: string;
  /** 'absent' removes the block and its markers. */
  state?: 'present' | 'absent';
  /** As `file`'s: run on the new content (`%s`) before it replaces the file. */
  validate?: string;
}

/** The file's content, or undefined when it does not exist. */
export interface BlockInFileState {
  content?: string;
}

export interface BlockInFileDesired {
  path: string;
  block: string;
  markerBegin: string;
  markerEnd: string;
  state: 'present' | 'absent';
  validate?: string;
}

/**
 * A block of lines between two marker lines in a file the resource does not own (Ansible's `blockinfile`):
 * the block is replaced where its markers are, else appended at the end; the rest of the file stays as its
 * package or its admin wrote it. The probe reads the file in one round trip; the write is atomic and keeps
 * the file's mode and owner. A file that does not exist waits for an earlier change (its package).
 *
 * + path, block, markerBegin/markerEnd, state, validate
 *
 * Plan lines: `add the block to PATH`, `update the block in PATH`, `remove the block from PATH`; `--diff`
 * shows the file's diff.
 *
 * @example
 * blockInFile({ path: '/etc/ufw/after.rules', block: dockerUserRules, markerBegin: '# BEGIN UFW AND DOCKER', markerEnd: '# END UFW AND DOCKER' })
 */
export function blockInFile(options: BlockInFileOptions): Resource<BlockInFileState> {
  const desired: BlockInFileDesired = {
    path: absolutePath(options.path, 'blockInFile'),
    block: options.block,
    markerBegin: options.markerBegin ?? '# BEGIN BOSUN MANAGED BLOCK',
    markerEnd: options.markerEnd ?? '# END BOSUN MANAGED BLOCK',
    state: options.state ?? 'present',
    validate: options.validate,
  };
  const { path } = desired;
  return {
    kind: 'block-in-file',
    id: `${path} (${desired.markerBegin})`,
    // The whole content, with or without --diff: the new content is the old one with the block in place.
    probe: (ctx) => ({
      script: String(sh`p=${path}
if [ -e "$p" ] && [ ! -r "$p" ]; then echo unreadable=1; exit 0; fi
if [ -f "$p" ]; then printf 'content='; base64 -w0 < "$p"; echo; fi`),
      parse(result) {
        const content = fileProbeValues(ctx.transport.hostName, path, result).get('content');
        return content === undefined ? {} : { content: Buffer.from(content, 'base64').toString('utf8') };
      },
    }),
    plan: (current) => planBlockInFile(current, desired),
    // Its one custom action, 'fail-missing-file': probed after the earlier changes, the file is still missing.
    async execute(ctx) {
      throw new TaskError(
        'FILE_MISSING',
        `${ctx.transport.hostName}: ${path} does not exist; install the package that provides it first.`,
      );
    },
  };
}

/** The plan of a block: pure, from the file's content. */
export function planBlockInFile(current: BlockInFileState, desired: BlockInFileDesired): Plan {
  const { path } = desired;
  if (current.content === undefined) {
    return desired.state === 'absent'
      ? noChange()
      : {
          actions: [custom('fail-missing-file', { path })],
          changes: [`add the block to ${path}`],
          needsEarlierChanges: `${path} does not exist yet`,
        };
  }
  const next = withBlock(current.content, desired);
  if (next === current.content) return noChange();
  const verb =
    desired.state === 'absent'
      ? `remove the block from`
      : findBlock(current.content.split('\n'), desired)
        ? 'update the block in'
        : 'add the block to';
  return {
    actions: [upload(path, next, desired.validate === undefined ? {} : { validate: desired.validate })],
    changes: [`${verb} ${path}`],
    diff: contentDiff(path, current.content, next),
  };
}

/** The file's content with the block in place (or gone, for 'absent'). */
export function withBlock(content: string, desired: BlockInFileDesired): string {
  const lines = content.split('\n');
  const found = findBlock(lines, desired);
  const block =
    desired.state === 'absent'
      ? []
      : [desired.markerBegin, ...desired.block.replace(/\n$/, '').split('\n'), desired.markerEnd];
  if (found) {
    lines.splice(found.begin, found.end - found.begin + 1, ...block);
    return lines.join('\n');
  }
  if (block.length === 0) return content;
  const head = content === '' || content.endsWith('\n') ? content : `${content}\n`;
  return `${head}${block.join('\n')}\n`;
}

function findBlock(lines: string[], desired: BlockInFileDesired): { begin: number; end: number } | undefined {
  const begin = lines.indexOf(desired.markerBegin);
  const end = begin < 0 ? -1 : lines.indexOf(desired.markerEnd, begin + 1);
  return begin >= 0 && end > begin ? { begin, end } : undefined;
}
