import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { InventoryError } from './inventory-error.js';
import type { InventoryDocument } from './inventory-document.js';

/**
 * Reads a YAML file (an inventory or a group_vars/host_vars file) as Ansible does: YAML 1.1, so
 * `yes`/`no`/`on`/`off` are booleans and `<<` merges work. Syntax errors are thrown as
 * INVENTORY_YAML_SYNTAX with their line and column.
 */
export function parseYaml(text: string, file: string): InventoryDocument {
  const result = tryParseYaml(text, file);
  if (result instanceof InventoryError) throw result;
  return result;
}

/** Same as parseYaml, but returns the syntax error instead of throwing it (for format detection). */
export function tryParseYaml(text: string, file: string): InventoryDocument | InventoryError {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return new InventoryError(
      'INVENTORY_YAML_SYNTAX',
      doc.errors.map((error) => {
        // Some errors (a duplicate key) point at the line break before the culprit.
        let offset = error.pos[0];
        while (offset < text.length && /\s/.test(text[offset])) offset++;
        const { line, col } = lineCounter.linePos(offset);
        return { file, line, column: col, message: `YAML syntax error: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  return {
    file,
    format: 'yaml',
    data: doc.toJS({ maxAliasCount: 1000 }),
    lineOf: (path) => lineOf(doc, lineCounter, path),
  };
}

/** The line of the deepest key along `path` that exists in the document. */
function lineOf(doc: Document, lineCounter: LineCounter, path: readonly string[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? node.range?.[0] : undefined;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (!pair) break;
    offset = isScalar(pair.key) ? pair.key.range?.[0] : offset;
    node = pair.value;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
