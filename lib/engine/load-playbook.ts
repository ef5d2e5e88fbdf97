import { access } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BosunError, ParseError } from '../errors.js';
import type { Playbook } from './playbook.js';

let registered = false;
/** tsx, imported only for a playbook that needs it: plain JavaScript (.js, .mjs, .cjs) imports as it is. */
async function registerLoader(path: string): Promise<void> {
  if (registered || ['.js', '.mjs', '.cjs'].includes(extname(path))) return;
  const { register } = await import('tsx/esm/api');
  register();
  registered = true;
}

/** Imports a playbook written in TypeScript (its default export) at run time. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const path = resolve(file);
  await access(path).catch(() => {
    throw new ParseError('PLAYBOOK_NOT_FOUND', `playbook ${file} does not exist (resolved to ${path})`);
  });
  let module: { default?: unknown };
  try {
    // A process-wide loader (not tsImport's private namespace): the playbook must share Bosun's modules,
    // so the secrets it resolves reach the redactor the reporters use.
    await registerLoader(path);
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    // A secret missing or bad options raised while the playbook builds itself keep their own code.
    if (error instanceof BosunError) throw error;
    throw new ParseError('PLAYBOOK_INVALID', `cannot load playbook ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const playbook = module.default as Playbook | undefined;
  if (!playbook || typeof playbook !== 'object' || !Array.isArray(playbook.plays)) {
    throw new ParseError(
      'PLAYBOOK_INVALID',
      `playbook ${file} must have a default export made with playbook({ name, plays: [...] })`,
    );
  }
  playbook.plays.forEach((play, i) => {
    if (typeof play?.hosts !== 'string' || !play.name) {
      throw new ParseError(
        'PLAYBOOK_INVALID',
        `playbook ${file}: plays[${i}] needs a name and a hosts pattern`,
      );
    }
  });
  return playbook;
}
