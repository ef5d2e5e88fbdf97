import { ANSIBLE_BOOLEANS, CONNECTION_KEYS } from './connection-keys.js';
import { parseIniValue } from './ini-value.js';
import { InventoryError, type InventoryIssue } from './inventory-error.js';
import type { GroupShape, InventoryDocument, VarsMap } from './inventory-document.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
const BOOLEAN_KEYS = new Set(CONNECTION_KEYS.become);

/**
 * Reads an Ansible INI inventory (`[group]`, `[group:vars]`, `[group:children]`, host lines with
 * inline `key=value`) into the YAML inventory shape, keeping each entry's line for error messages.
 * Syntax errors (all of them, with their line) are thrown as INVENTORY_INI_SYNTAX. `knownGroups`
 * are the groups earlier inventory files defined: like Ansible, [g:vars] and [p:children] may name them.
 */
export function parseIni(text: string, file: string, knownGroups: Iterable<string> = []): InventoryDocument {
  const shape: Record<string, GroupShape> = {};
  const lines = new Map<string, number>();
  const issues: InventoryIssue[] = [];
  const declared = new Set(['all', 'ungrouped', ...knownGroups]);
  const varsSections: { group: string; line: number }[] = [];
  const childRefs: { parent: string; child: string; line: number }[] = [];
  let group = 'ungrouped';
  let kind = 'hosts';

  const groupShape = (name: string, line: number): GroupShape => {
    if (!shape[name]) {
      shape[name] = {};
      lines.set(key([name]), line);
    }
    return shape[name];
  };
  const put = (path: string[], line: number) => lines.set(key(path), line);

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (!content || content.startsWith('#') || content.startsWith(';')) return;
    const fail = (message: string) => issues.push({ file, line, message });

    const section = SECTION.exec(content);
    if (section) {
      [group, kind] = [section[1], section[2] ?? 'hosts'];
      if (!['hosts', 'vars', 'children'].includes(kind)) {
        fail(
          `section [${group}:${kind}] has an unknown type '${kind}': use [${group}], [${group}:vars] or [${group}:children]`,
        );
        kind = 'invalid';
        return;
      }
      groupShape(group, line);
      if (kind === 'vars') varsSections.push({ group, line });
      else declared.add(group);
      return;
    }
    if (content.startsWith('[') && content.endsWith(']')) {
      return fail(
        `invalid section ${content}: a section is [name], [name:vars] or [name:children], with no spaces`,
      );
    }

    if (kind === 'hosts') {
      const words = splitHostLine(content);
      if (typeof words === 'string') return fail(`cannot read host line: ${words}`);
      const [entry, ...assignments] = words;
      const hosts = (groupShape(group, line).hosts ??= {});
      const vars: VarsMap = (hosts[entry] ??= {}) as VarsMap;
      put([group, 'hosts', entry], line);
      for (const assignment of assignments) {
        const eq = assignment.indexOf('=');
        if (eq < 1) return fail(`expected key=value after the host name, got '${assignment}'`);
        const name = assignment.slice(0, eq);
        vars[name] = iniValue(name, assignment.slice(eq + 1));
        put([group, 'hosts', entry, name], line);
      }
    } else if (kind === 'vars') {
      const eq = content.indexOf('=');
      if (eq < 1) return fail(`expected key=value in [${group}:vars], got '${content}'`);
      const name = content.slice(0, eq).trim();
      (groupShape(group, line).vars ??= {})[name] = iniValue(name, content.slice(eq + 1).trim());
      put([group, 'vars', name], line);
    } else if (kind === 'children') {
      const child = GROUP_NAME.exec(content)?.[1];
      if (!child) return fail(`expected a group name in [${group}:children], got '${content}'`);
      (groupShape(group, line).children ??= {})[child] = null;
      put([group, 'children', child], line);
      childRefs.push({ parent: group, child, line });
    }
  });

  // Like Ansible, [g:vars] and [parent:children] may come before [g], but g must be declared somewhere.
  for (const { group, line } of varsSections) {
    if (!declared.has(group)) {
      issues.push({
        file,
        line,
        message: `[${group}:vars] is for group '${group}', which has no [${group}] or [${group}:children] section`,
      });
    }
  }
  for (const { parent, child, line } of childRefs) {
    if (!declared.has(child)) {
      issues.push({
        file,
        line,
        message: `[${parent}:children] names group '${child}', which has no [${child}] or [${child}:children] section`,
      });
    }
  }
  if (issues.length) throw new InventoryError('INVENTORY_INI_SYNTAX', issues);

  return { file, format: 'ini', data: shape, lineOf: (path) => nearestLine(lines, path) };
}

/** INI text is untyped; the become keys are read as Ansible reads booleans ("yes", "true", "1"...). */
function iniValue(name: string, text: string): unknown {
  const value = parseIniValue(text);
  if (!BOOLEAN_KEYS.has(name)) return value;
  return ANSIBLE_BOOLEANS[String(value).toLowerCase()] ?? value;
}

function key(path: readonly string[]): string {
  return path.join('\0');
}

function nearestLine(lines: Map<string, number>, path: readonly string[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(key(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * Splits a host line into words like Python's shlex (as Ansible does): quotes group, backslash
 * escapes, an unquoted `#` starts a comment. Returns the reason as a string when a quote is unclosed.
 */
function splitHostLine(line: string): string[] | string {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\'))
        word += line[++i];
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === '#') {
      break;
    } else {
      word ??= '';
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\' && i + 1 < line.length) word += line[++i];
      else word += ch;
    }
  }
  if (quote) return `no closing ${quote} quote`;
  if (word !== undefined) words.push(word);
  return words;
}
