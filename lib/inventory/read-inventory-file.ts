import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ParseError } from '../errors.js';
import type { InventoryDocument, InventoryShape } from './inventory-document.js';
import { InventoryError } from './inventory-error.js';
import { parseIni } from './load-ini.js';
import { parseYaml, tryParseYaml } from './load-yaml.js';
import { validateInventory } from './validate.js';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/**
 * Reads and validates one inventory file. The format is found as Ansible finds it: .yml, .yaml and
 * .json files are YAML; any other file is YAML when it reads as a YAML mapping, INI otherwise.
 * `knownGroups` (from earlier files) may be named by an INI file's [g:vars] and [p:children].
 */
export async function readInventoryFile(
  file: string,
  knownGroups: Iterable<string>,
): Promise<{ doc: InventoryDocument; shape: InventoryShape }> {
  const text = await readFile(file, 'utf8');
  if (text.startsWith('#!')) {
    throw new ParseError(
      'INVENTORY_SCRIPT',
      `${file} is an inventory script; Bosun reads static YAML or INI inventories only: ` +
        `save what it returns as one (ansible-inventory -i SCRIPT --list -y > hosts.yml) or move it out of the inventory folder.`,
    );
  }
  const doc = YAML_EXTENSIONS.includes(extname(file).toLowerCase())
    ? parseYaml(text, file)
    : detect(text, file, knownGroups);
  return { doc, shape: validateInventory(doc) };
}

function detect(text: string, file: string, knownGroups: Iterable<string>): InventoryDocument {
  const yaml = tryParseYaml(text, file);
  if (yaml instanceof InventoryError) return parseIni(text, file, knownGroups);
  const isMapping = typeof yaml.data === 'object' && yaml.data !== null && !Array.isArray(yaml.data);
  return isMapping ? yaml : parseIni(text, file, knownGroups);
}
