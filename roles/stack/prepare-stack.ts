import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { OptionsError, renderTemplate, secret } from '../../lib/index.js';
import { ComposeFile } from './compose-schema.js';
import { renderCompose, type RenderedCompose } from './render-compose.js';
import type { StackVariables } from './variables.js';

export const composeFileName = 'docker-compose.yml';
export const envFileName = '.env';

/** A file of the stack, rendered, with its place on the host. */
export interface StackFile {
  /** Relative to the stack's directory. */
  relative: string;
  path: string;
  content: Buffer;
  mode?: string;
}

/** Everything the stack's tasks write, computed once per host before the first of them runs. */
export interface PreparedStack {
  compose: ComposeFile;
  rendered: RenderedCompose;
  files: StackFile[];
  /** The `.env` values, resolved from the secret store (registered with the redactor). */
  env?: Record<string, string>;
}

const validateCompose = new Ajv({ allErrors: true, strict: false }).compile(ComposeFile);

/** The stack's directory: `directory`, or /opt/NAME. */
export function stackDirectory(vars: StackVariables): string {
  return posix.normalize(vars.directory ?? `/opt/${vars.name}`).replace(/\/$/, '');
}

/** The extra files' paths relative to the directory (the schema keeps them inside it). */
export function extraFilePaths(vars: StackVariables): string[] {
  return vars.files.map((extra) => posix.normalize(extra.path));
}

/**
 * Reads the Compose file (object or YAML), renders the extra files, resolves the secrets and renders the
 * Compose file with each service's configuration hash. Throws an OptionsError naming what is wrong:
 * the first task calls it, so a bad input fails the run before anything changes.
 */
export function prepareStack(vars: StackVariables): PreparedStack {
  const directory = stackDirectory(vars);
  const compose = loadCompose(vars);
  const files = extraFilePaths(vars).map((relative, i): StackFile => {
    const extra = vars.files[i];
    if (relative === composeFileName || relative === envFileName)
      throw new OptionsError(
        'STACK_FILE_PATH',
        `stack ${vars.name}: ${relative} is written by the role itself (from compose and envSecrets); give the file another name.`,
      );
    if ((extra.content === undefined) === (extra.template === undefined))
      throw new OptionsError(
        'STACK_FILE_CONTENT',
        `stack ${vars.name}: file '${extra.path}' needs either content or template.`,
      );
    const content = extra.content ?? renderTemplate(extra.template as string, extra.vars ?? {});
    return { relative, path: `${directory}/${relative}`, content: Buffer.from(content), mode: extra.mode };
  });
  const envEntries = Object.entries(vars.envSecrets);
  const env =
    envEntries.length > 0
      ? Object.fromEntries(envEntries.map(([name, from]) => [name, secret(from)]))
      : undefined;

  const hashes = Object.fromEntries(files.map((file) => [file.relative, sha256(file.content)]));
  // The env file's hash stands for its values: a rotated secret recreates the services that read it.
  if (env) hashes[envFileName] = sha256(Buffer.from(JSON.stringify(env)));
  const rendered = renderCompose(compose, { files: hashes, directory, envFile: envFileName });
  return { compose, rendered, files, env };
}

function loadCompose(vars: StackVariables): ComposeFile {
  if ((vars.compose === undefined) === (vars.composeFile === undefined))
    throw new OptionsError(
      'STACK_COMPOSE',
      `stack ${vars.name}: give either compose (an object) or composeFile (a YAML file), not both or neither.`,
    );
  if (vars.compose) return vars.compose;
  const path = vars.composeFile as string;
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OptionsError(
      'STACK_COMPOSE',
      `stack ${vars.name}: cannot read the Compose file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  if (!validateCompose(document)) {
    const problems = (validateCompose.errors ?? []).map(
      (error) => `${error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top)'} ${error.message}`,
    );
    throw new OptionsError(
      'STACK_COMPOSE',
      `stack ${vars.name}: ${path} is not a Compose file Bosun can deploy:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return document as ComposeFile;
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
