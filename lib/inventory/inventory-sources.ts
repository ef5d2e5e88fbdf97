import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ParseError } from '../errors.js';

/** What one `-i` source stands for. */
export interface InventorySource {
  /** Inventory files to read, in order. */
  files: string[];
  /** The folder whose group_vars/ and host_vars/ apply: the source itself, or a file's folder. */
  varsDir: string;
}

// Ansible's defaults: INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .cfg, .retry) and the folders it never reads.
const IGNORED_EXTENSIONS = [
  '.pyc',
  '.pyo',
  '.swp',
  '.bak',
  '~',
  '.rpm',
  '.md',
  '.txt',
  '.rst',
  '.orig',
  '.cfg',
  '.retry',
];
const IGNORED_NAMES = ['group_vars', 'host_vars', 'vars_plugins'];

/**
 * Resolves one `-i` value: a file is read as it is; a folder is read like Ansible reads one —
 * every file in it and its subfolders, in name order, skipping hidden files, group_vars/,
 * host_vars/ and documentation or backup files (*.md, *.txt, *.bak, *~, ...).
 */
export async function resolveSource(source: string): Promise<InventorySource> {
  const info = await stat(source).catch(() => undefined);
  if (!info) {
    throw new ParseError(
      'INVENTORY_NOT_FOUND',
      `Inventory '${source}' does not exist: give an inventory file or folder with -i (e.g. -i inventory/prod).`,
    );
  }
  if (!info.isDirectory()) return { files: [source], varsDir: dirname(source) };
  const files = await inventoryFilesIn(source);
  if (!files.length) {
    throw new ParseError(
      'INVENTORY_EMPTY',
      `Inventory folder '${source}' holds no inventory file (hidden files, group_vars/, host_vars/ and ` +
        `${IGNORED_EXTENSIONS.map((e) => `*${e}`).join(', ')} are skipped): add e.g. ${join(source, 'hosts.yml')}.`,
    );
  }
  return { files, varsDir: source };
}

async function inventoryFilesIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).sort();
  const files: string[] = [];
  for (const name of names) {
    if (
      name.startsWith('.') ||
      IGNORED_NAMES.includes(name) ||
      IGNORED_EXTENSIONS.some((e) => name.endsWith(e))
    ) {
      continue;
    }
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) files.push(...(await inventoryFilesIn(path)));
    else files.push(path);
  }
  return files;
}
