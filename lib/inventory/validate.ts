import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InventoryError, type InventoryIssue } from './inventory-error.js';
import type { InventoryDocument, InventoryShape, VarsMap } from './inventory-document.js';
import schema from './inventory.schema.json' with { type: 'json' };

// Types are unions with null (`web1:` is a host without vars), which strict type checks reject.
const ajv = new Ajv({ allErrors: true, verbose: true, strictTypes: false });
const checkInventory = ajv.compile(schema);
const checkVarsFile = ajv.getSchema(`${schema.$id}#/definitions/varsFile`) as ValidateFunction;

/**
 * Checks an inventory file's content against inventory.schema.json and returns it typed.
 * Ansible's shorthand `hosts: web1` / `children: web` is accepted. Throws INVENTORY_INVALID with
 * every problem: file, line, path inside the file, and what would be valid.
 */
export function validateInventory(doc: InventoryDocument): InventoryShape {
  if (doc.data === null || doc.data === undefined) return {};
  if (isMapping(doc.data) && 'plugin' in doc.data) {
    throw new InventoryError('INVENTORY_INVALID', [
      {
        file: doc.file,
        message: `holds an inventory plugin configuration (plugin: ${String(doc.data.plugin)}), not an inventory: Bosun reads static YAML or INI inventories only`,
      },
    ]);
  }
  const data = expandShorthand(doc.data);
  if (!checkInventory(data)) throw invalid(doc, checkInventory.errors ?? []);
  return data as InventoryShape;
}

/** Checks a group_vars/ or host_vars/ file: a mapping of variables, connection keys typed. */
export function validateVarsFile(doc: InventoryDocument): VarsMap {
  if (!checkVarsFile(doc.data)) throw invalid(doc, checkVarsFile.errors ?? []);
  return (doc.data ?? {}) as VarsMap;
}

function invalid(doc: InventoryDocument, errors: ErrorObject[]): InventoryError {
  const issues = errors
    .filter((e) => e.keyword !== 'propertyNames')
    .map((e) => toIssue(doc, e))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return new InventoryError('INVENTORY_INVALID', issues);
}

function toIssue(doc: InventoryDocument, error: ErrorObject): InventoryIssue {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  const valid = (error.parentSchema?.description as string | undefined) ?? error.message ?? 'invalid';
  const at = (issuePath: string[], message: string): InventoryIssue => ({
    file: doc.file,
    line: doc.lineOf(issuePath),
    path: issuePath,
    message: issuePath.length ? message : `the file ${message}`,
  });

  if (error.propertyName !== undefined) {
    return at(path, `has an invalid key '${error.propertyName}': must be ${valid}`);
  }
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return {
      ...at(path, `has an unknown key '${key}'; expected ${valid}`),
      line: doc.lineOf([...path, key]),
    };
  }
  if (error.keyword === 'not') return at(path, valid);
  const got = isSensitive(path.at(-1)) ? '' : `, got ${describe(error.data)}`;
  return at(path, `must be ${valid}${got}`);
}

/** Values of these keys may be passwords typed in the wrong place: never echo them. */
function isSensitive(key: string | undefined): boolean {
  return key !== undefined && /pass|secret/i.test(key);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Ansible turns `hosts: web1` into `hosts: {web1: null}` (and the same for children). */
function expandShorthand(data: unknown): unknown {
  if (!isMapping(data)) return data;
  return Object.fromEntries(Object.entries(data).map(([name, group]) => [name, expandGroup(group)]));
}

function expandGroup(group: unknown): unknown {
  if (!isMapping(group)) return group;
  const out: Record<string, unknown> = { ...group };
  for (const section of ['hosts', 'children']) {
    if (typeof out[section] === 'string') out[section] = { [out[section] as string]: null };
  }
  if (isMapping(out.children)) out.children = expandShorthand(out.children);
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
