import { dirname } from 'node:path';
import { OptionsError, TaskError } from '../../errors.js';
import { parseKeyValues } from '../../facts/key-values.js';
import { sh } from '../../transport/shell.js';
import { absolutePath } from '../files/absolute-path.js';
import { accountName } from './account-name.js';
import {
  describeAuthorizedKey,
  formatAuthorizedKey,
  parseAuthorizedKey,
  type AuthorizedKey,
} from './authorized-key-line.js';
import { contentDiff } from '../files/content-diff.js';
import {
  attributeChanges,
  parseStat,
  setAttributesCommand,
  statScript,
  type PathAttributes,
  type PathStat,
} from '../files/path-attributes.js';
import { custom, run, upload, type Action, type CustomAction } from '../actions.js';
import type { Plan, Resource, ResourceContext } from '../resource.js';
import { checkExit, runChecked } from '../commands/run-checked.js';

export interface AuthorizedKeysOptions {
  /** The user whose keys these are. */
  user: string;
  /**
   * Public keys, one per entry, as in authorized_keys: `[options] type key [comment]`. An entry may hold several
   * lines (the content of a .pub file or of GitHub's `https://github.com/NAME.keys`); blank and `#` lines are skipped.
   */
  keys: string[];
  /** Remove every key of the file that is not listed (Ansible's `exclusive`). Default false. */
  exclusive?: boolean;
  /**
   * Another file than ~USER/.ssh/authorized_keys (e.g. under /etc/ssh/authorized_keys/ with a matching
   * AuthorizedKeysFile in sshd). Its directory must exist and is not managed.
   */
  path?: string;
  /**
   * After a change that removes or alters a key, log in to the host afresh (same user, key and port, as the next
   * run would) and put the old file back if that fails. Set it for the user Bosun itself logs in as.
   */
  verifyLogin?: boolean;
}

/** What the probe read: the account, then the directory and file (when the account exists). */
export interface AuthorizedKeysState {
  userExists: boolean;
  home?: string;
  primaryGroup?: string;
  dir?: PathStat;
  file?: PathStat;
  /** The current file, as text. */
  content?: string;
}

export interface AuthorizedKeysDesired {
  user: string;
  keys: AuthorizedKey[];
  exclusive: boolean;
  path?: string;
  verifyLogin: boolean;
}

/** The new file and what differs, decided once from the probed state: the plan's lines and actions. */
export interface AuthorizedKeysDecision {
  path: string;
  /** The ~/.ssh directory, when it is managed (the default path). */
  dir?: string;
  /** Directory mode/owner to set (it is created first when missing). */
  fixDir: boolean;
  /** The new content, when it differs. */
  content?: string;
  fixFile: boolean;
  /** A key of the file was removed or altered: access through it may be gone. */
  removesAccess: boolean;
  lines: string[];
  blocker?: string;
}

/**
 * The public keys a user logs in with (Ansible's `authorized_key`, pyinfra's `server.user_authorized_keys`).
 * Keys are matched by their key material: a listed key already in the file keeps its line (its comment too,
 * unless another is given) and gets the listed options; a key is never written twice (a duplicate line of a
 * listed key is removed); `#` comments and blank lines are kept. `exclusive` removes every other key.
 * ~/.ssh is made 0700 and the file 0600, both owned by the user and its primary group (sshd's StrictModes);
 * the file is written atomically. The probe is one round trip.
 *
 * + user: the account; keys: the public keys; exclusive: remove unlisted keys
 * + path: another file than ~/.ssh/authorized_keys (its directory is not managed)
 * + verifyLogin: prove a fresh login still works after a key was removed or altered, else restore the file
 *
 * Plan lines: `create /home/deploy/.ssh (mode 0700, owner deploy)`, `create /home/deploy/.ssh/authorized_keys`,
 * `add key ssh-ed25519 …Qx9L2c3dPfwz admin@laptop`, `remove key ssh-rsa …`, `update key ssh-ed25519 … (options)`,
 * `remove duplicate of key …`, `/home/deploy/.ssh: mode 0755 → 0700`, `…/authorized_keys: owner root → deploy`;
 * with --diff, the file's unified diff.
 *
 * @example
 * authorizedKeys({ user: 'deploy', keys: [readFileSync('keys/deploy.pub', 'utf8')] })
 * authorizedKeys({
 *   user: 'admin',
 *   keys: ['from="203.0.113.0/24" ssh-ed25519 AAAAC3Nz... admin@laptop'],
 *   exclusive: true,
 *   verifyLogin: true,
 * })
 */
export function authorizedKeys(options: AuthorizedKeysOptions): Resource<AuthorizedKeysState> {
  const desired = authorizedKeysDesired(options);
  const { user } = desired;
  const where = `authorized keys of ${user}`;

  return {
    kind: 'authorized-keys',
    id: desired.path ?? `~${user}/.ssh/authorized_keys`,
    probe: (ctx) => ({
      script: authorizedKeysProbeScript(desired),
      parse: (result) => {
        const { stdout } = checkExit(ctx.transport.hostName, result, `probing ${where}`, {
          code: 'PROBE_FAILED',
        });
        const values = parseKeyValues(stdout);
        if (values.has('unreadable')) {
          throw new TaskError(
            'FILE_UNREADABLE',
            `${ctx.transport.hostName}: cannot read the ${where}; run the task with become.`,
          );
        }
        return parseAuthorizedKeysProbe(values);
      },
    }),
    plan: (current) => planAuthorizedKeys(current, desired),
    async execute(ctx, action) {
      await confirmLogin(ctx, action as ConfirmLogin);
    },
  };
}

/**
 * After a change that may cut the login: a fresh login, else the file the probe read goes back
 * (or the new one goes when there was none).
 */
interface ConfirmLogin extends CustomAction {
  name: 'confirm-login';
  path: string;
  previous?: string;
  attributes: PathAttributes;
}

/** The plan of an authorized_keys file: pure, from the probed state and the wanted keys. */
export function planAuthorizedKeys(current: AuthorizedKeysState, desired: AuthorizedKeysDesired): Plan {
  const decision = decideAuthorizedKeys(current, desired);
  const { path, dir } = decision;
  const owner: PathAttributes = { owner: desired.user, group: current.primaryGroup };
  const actions: Action[] = [];
  if (dir && decision.fixDir) {
    const mkdir = current.dir ? '' : `${sh`mkdir -p -- ${dir}`} && `;
    const attributes = setAttributesCommand(dir, { ...owner, mode: '0700' });
    actions.push(run(`${mkdir}${attributes}`, `creating ${dir}`, 'AUTHORIZED_KEYS_FAILED'));
  }
  if (decision.content !== undefined) {
    actions.push(upload(path, decision.content, { ...owner, mode: '0600' }));
  } else if (decision.fixFile) {
    const attributes = setAttributesCommand(path, { ...owner, mode: '0600' });
    if (attributes) actions.push(run(attributes, `setting mode/owner of ${path}`, 'AUTHORIZED_KEYS_FAILED'));
  }
  if (desired.verifyLogin && decision.removesAccess) {
    const previous = current.content === undefined ? {} : { previous: current.content };
    actions.push(custom('confirm-login', { path, ...previous, attributes: { ...owner, mode: '0600' } }));
  }
  const diff =
    decision.content !== undefined ? contentDiff(path, current.content ?? '', decision.content) : undefined;
  return {
    actions,
    changes: decision.lines,
    ...(diff ? { diff } : {}),
    ...(decision.blocker ? { needsEarlierChanges: decision.blocker } : {}),
  };
}

/** Decides the new file and the directory and file attributes to fix. */
export function decideAuthorizedKeys(
  current: AuthorizedKeysState,
  desired: AuthorizedKeysDesired,
): AuthorizedKeysDecision {
  const home = current.home ?? `~${desired.user}`;
  const path = desired.path ?? `${home}/.ssh/authorized_keys`;
  const dir = desired.path === undefined ? dirname(path) : undefined;
  const wanted: PathAttributes = { owner: desired.user, group: current.primaryGroup };
  const decision: AuthorizedKeysDecision = {
    path,
    dir,
    fixDir: false,
    fixFile: false,
    removesAccess: false,
    lines: [],
  };
  if (current.dir && current.dir.type !== 'directory') throw notA('directory', dirname(path), current.dir);
  if (current.file && current.file.type !== 'file') throw notA('regular file', path, current.file);

  const { content, lines, removesAccess } = mergeAuthorizedKeys(current.content ?? '', desired);
  // No file and no key to write: nothing to create.
  if (!current.file && desired.keys.length === 0) return decision;

  if (dir && !current.dir) {
    decision.fixDir = true;
    decision.lines.push(`create ${dir} (mode 0700, owner ${desired.user})`);
  } else if (dir && current.dir) {
    const fixes = attributeChanges(current.dir, { ...wanted, mode: '0700' });
    decision.fixDir = fixes.length > 0;
    decision.lines.push(...fixes.map((line) => `${dir}: ${line}`));
  }
  if (!current.file) {
    decision.lines.push(`create ${path} (mode 0600, owner ${desired.user})`);
  } else {
    const fixes = attributeChanges(current.file, { ...wanted, mode: '0600' });
    decision.fixFile = fixes.length > 0;
    decision.lines.push(...fixes.map((line) => `${path}: ${line}`));
  }
  if (!current.file || content !== current.content) decision.content = content;
  decision.lines.push(...lines);
  decision.removesAccess = removesAccess;

  if (!current.userExists) decision.blocker = `user ${desired.user} does not exist yet`;
  else if (desired.path !== undefined && !current.dir && decision.lines.length > 0)
    decision.blocker = `directory ${dirname(path)} does not exist yet`;
  return decision;
}

/**
 * The file with the wanted keys: pure. Lines that are not listed keys stay as they are (unless `exclusive`
 * removes other keys); a listed key keeps its place and gets the listed options; new keys are appended.
 */
export function mergeAuthorizedKeys(
  current: string,
  desired: Pick<AuthorizedKeysDesired, 'keys' | 'exclusive'>,
): { content: string; lines: string[]; removesAccess: boolean } {
  const wanted = new Map(desired.keys.map((key) => [key.blob, key]));
  const written = new Set<string>();
  const out: string[] = [];
  const lines: string[] = [];
  let removesAccess = false;
  const existing = current === '' ? [] : current.replace(/\n$/, '').split('\n');
  for (const line of existing) {
    const key = parseAuthorizedKey(line);
    const isComment = line.trim() === '' || line.trim().startsWith('#');
    if (!key) {
      if (isComment || !desired.exclusive) out.push(line);
      else {
        lines.push(`remove line '${line.trim().slice(0, 40)}' (not a key Bosun can read)`);
        removesAccess = true;
      }
      continue;
    }
    const want = wanted.get(key.blob);
    if (!want) {
      if (desired.exclusive) {
        lines.push(`remove key ${describeAuthorizedKey(key)}`);
        removesAccess = true;
      } else out.push(line);
      continue;
    }
    if (written.has(key.blob)) {
      lines.push(`remove duplicate of key ${describeAuthorizedKey(key)}`);
      continue;
    }
    written.add(key.blob);
    const merged: AuthorizedKey = {
      ...want,
      ...(want.comment ? {} : key.comment ? { comment: key.comment } : {}),
    };
    const next = formatAuthorizedKey(merged);
    if (formatAuthorizedKey(key) === next) {
      out.push(line);
    } else {
      const what = [
        (key.options ?? '') !== (want.options ?? '') && 'options',
        key.type !== want.type && 'type',
        (key.comment ?? '') !== (merged.comment ?? '') && 'comment',
      ].filter(Boolean);
      lines.push(`update key ${describeAuthorizedKey(merged)} (${what.join(', ')})`);
      if ((key.options ?? '') !== (want.options ?? '')) removesAccess = true;
      out.push(next);
    }
  }
  for (const key of desired.keys) {
    if (written.has(key.blob)) continue;
    written.add(key.blob);
    lines.push(`add key ${describeAuthorizedKey(key)}`);
    out.push(formatAuthorizedKey(key));
  }
  return { content: out.length > 0 ? `${out.join('\n')}\n` : '', lines, removesAccess };
}

function authorizedKeysDesired(options: AuthorizedKeysOptions): AuthorizedKeysDesired {
  const user = accountName(options.user, 'authorizedKeys');
  const where = `authorized keys of ${user}`;
  if (!Array.isArray(options.keys))
    throw new OptionsError('AUTHORIZED_KEYS_OPTIONS', `${where}: keys must be a list of public keys.`);
  const keys = new Map<string, AuthorizedKey>();
  for (const entry of options.keys) {
    for (const line of String(entry).split('\n')) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const key = parseAuthorizedKey(line);
      if (!key) {
        throw new OptionsError(
          'AUTHORIZED_KEYS_OPTIONS',
          `${where}: '${line.trim().slice(0, 60)}' is not a public key line ([options] type base64 [comment], e.g. 'ssh-ed25519 AAAAC3Nz... me@laptop').`,
        );
      }
      const seen = keys.get(key.blob);
      if (seen && (seen.options ?? '') !== (key.options ?? '')) {
        throw new OptionsError(
          'AUTHORIZED_KEYS_OPTIONS',
          `${where}: key ${describeAuthorizedKey(key)} is listed twice with different options; list it once.`,
        );
      }
      if (!seen) keys.set(key.blob, key);
    }
  }
  return {
    user,
    keys: [...keys.values()],
    exclusive: options.exclusive ?? false,
    path: options.path === undefined ? undefined : absolutePath(options.path, where),
    verifyLogin: options.verifyLogin ?? false,
  };
}

function authorizedKeysProbeScript(desired: AuthorizedKeysDesired): string {
  return [
    String(sh`u=${desired.user}`),
    'ent=$(getent passwd "$u") || exit 0',
    'echo "passwd=$ent"',
    'echo "primary=$(id -gn "$u")"',
    desired.path === undefined
      ? 'p="$(printf %s "$ent" | cut -d: -f6)/.ssh/authorized_keys"'
      : String(sh`p=${desired.path}`),
    `{ p=$(dirname "$p"); ${statScript({})}; } | sed 's/^/dir./'`,
    `{ ${statScript({})}; } | sed 's/^/file./'`,
    'if [ -f "$p" ] && [ ! -L "$p" ]; then',
    '  [ -r "$p" ] || { echo unreadable=1; exit 0; }',
    '  printf \'content=\'; base64 -w0 < "$p"; echo',
    'fi',
  ].join('\n');
}

/** Reads the probe's key=value output. */
export function parseAuthorizedKeysProbe(values: Map<string, string>): AuthorizedKeysState {
  const entry = values.get('passwd');
  if (entry === undefined) return { userExists: false };
  const prefixed = (prefix: string) =>
    new Map(
      [...values].filter(([key]) => key.startsWith(prefix)).map(([key, v]) => [key.slice(prefix.length), v]),
    );
  const content = values.get('content');
  return {
    userExists: true,
    home: entry.split(':')[5],
    primaryGroup: values.get('primary'),
    dir: parseStat(prefixed('dir.')),
    file: parseStat(prefixed('file.')),
    ...(content !== undefined ? { content: Buffer.from(content, 'base64').toString('utf8') } : {}),
  };
}

/** Proves that a fresh login still works after the change; otherwise restores the old file and fails. */
async function confirmLogin(
  ctx: ResourceContext,
  { path, previous, attributes }: ConfirmLogin,
): Promise<void> {
  try {
    await ctx.reconnect({});
  } catch (error) {
    const restore =
      previous === undefined
        ? runChecked(ctx.transport, sh`rm -f -- ${path}`, `removing ${path}`, {
            code: 'AUTHORIZED_KEYS_FAILED',
          })
        : ctx.transport.upload(path, previous, attributes);
    await restore;
    throw new TaskError(
      'LOGIN_LOST',
      `${ctx.transport.hostName}: after writing ${path}, a fresh SSH login failed (${(error as Error).message}); the previous file was restored. Keep the key Bosun logs in with in the list.`,
    );
  }
}

function notA(what: string, path: string, stat: PathStat): TaskError {
  return new TaskError(
    'NOT_A_FILE',
    `${path} is a ${stat.description}, not a ${what}: fix it by hand first.`,
  );
}
