import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { VarsMap } from './inventory-document.js';
import { parseYaml } from './load-yaml.js';
import { validateVarsFile } from './validate.js';

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * The `group_vars/` and `host_vars/` files beside one inventory source, read as Ansible's
 * host_group_vars plugin does: for NAME, the first of `NAME` (a file, or a folder whose files are
 * merged in name order), `NAME.yml`, `NAME.yaml`, `NAME.json`. Each file is read once.
 */
export class VarsFiles {
  readonly #cache = new Map<string, Promise<VarsMap | undefined>>();

  constructor(readonly dir: string) {}

  /** The merged variables for a group or host, or undefined when it has no file. */
  load(kind: 'group_vars' | 'host_vars', name: string): Promise<VarsMap | undefined> {
    // A name that is not a plain file name cannot have a vars file (and must not escape the folder).
    if (/[/\\]/.test(name) || name === '.' || name === '..') return Promise.resolve(undefined);
    const key = `${kind}/${name}`;
    let vars = this.#cache.get(key);
    if (!vars) {
      vars = this.#read(join(this.dir, kind, name));
      this.#cache.set(key, vars);
    }
    return vars;
  }

  async #read(base: string): Promise<VarsMap | undefined> {
    for (const extension of VARS_EXTENSIONS) {
      const path = base + extension;
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const files = info.isDirectory() ? await filesIn(path) : [path];
      let merged: VarsMap = {};
      for (const file of files)
        merged = { ...merged, ...validateVarsFile(parseYaml(await readFile(file, 'utf8'), file)) };
      return merged;
    }
    return undefined;
  }
}

/** Files of a vars folder, recursively, in name order; hidden files, backups and other extensions skipped. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => compare(a.name, b.name));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.endsWith('~')) continue;
    const extension = /\.[^.]*$/.exec(entry.name)?.[0] ?? '';
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !extension) files.push(...(await filesIn(path)));
    else if (entry.isFile() && VARS_EXTENSIONS.includes(extension)) files.push(path);
  }
  return files;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
