import { OptionsError } from '../errors.js';
import type { Inventory, InventoryHost } from './inventory.js';

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+):(\d*))\]$/;

/**
 * The hosts an Ansible host pattern selects, in inventory order. Terms are separated by `:` or `,`;
 * each is `all` or `*`, a host or group name, a glob (`web*`, `*.example.com`), a regex (`~web\d+`),
 * optionally with a subscript (`web[0]`, `web[1:3]`). Like Ansible, plain terms are joined first,
 * then `&term` intersects, then `!term` excludes, whatever order they are written in. A term that
 * matches no host and no group is an OptionsError (a typo in `!prod` must not select prod).
 */
export function selectHosts(inventory: Inventory, pattern: string): InventoryHost[] {
  const terms = splitPattern(inventory, pattern);
  if (!terms.length) {
    throw new OptionsError(
      'HOST_PATTERN_EMPTY',
      `Host pattern '${pattern}' is empty: use 'all' or a group or host name.`,
    );
  }
  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  let selected = new Set<string>();
  for (const term of plain.length ? plain : ['all']) {
    for (const host of matchTerm(inventory, pattern, term)) selected.add(host);
  }
  for (const term of terms.filter((t) => t.startsWith('&'))) {
    const keep = new Set(matchTerm(inventory, pattern, term.slice(1)));
    selected = new Set([...selected].filter((host) => keep.has(host)));
  }
  for (const term of terms.filter((t) => t.startsWith('!'))) {
    for (const host of matchTerm(inventory, pattern, term.slice(1))) selected.delete(host);
  }
  return [...inventory.hosts.values()].filter((host) => selected.has(host.name));
}

/** Ansible's split_host_pattern: `,` when there is one, else `:` outside `[...]` (and whitespace). */
function splitPattern(inventory: Inventory, pattern: string): string[] {
  const text = pattern.trim();
  if (text.includes(','))
    return text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  if (inventory.hosts.has(text)) return [text]; // a host name with ':' in it, like an IPv6 address
  return text.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
}

/** Host names one term (without its & or !) matches, in inventory order. */
function matchTerm(inventory: Inventory, pattern: string, term: string): string[] {
  if (inventory.hosts.has(term)) return [term];
  const subscript = term.startsWith('~') ? null : SUBSCRIPT.exec(term);
  const expr = subscript ? subscript[1] : term;
  const test = compile(pattern, expr);

  const groups = [...inventory.groups.keys()].filter((name) => test.test(name));
  // Like Ansible, a glob or regex also looks at host names even when it matched groups.
  const hostsToo = !groups.length || expr.startsWith('~') || /[.?*[]/.test(expr);
  const matches = [...inventory.hosts.values()]
    .filter((host) => host.groups.some((g) => groups.includes(g)) || (hostsToo && test.test(host.name)))
    .map((host) => host.name);
  if (!matches.length && !groups.length) {
    const known = [...inventory.groups.keys()].sort().join(', ');
    throw new OptionsError(
      'HOST_PATTERN_UNMATCHED',
      `Host pattern '${pattern}': '${expr}' matches no host and no group. Known groups: ${known}.`,
    );
  }
  return subscript ? applySubscript(pattern, term, matches, subscript) : matches;
}

function applySubscript(
  pattern: string,
  term: string,
  hosts: string[],
  subscript: RegExpExecArray,
): string[] {
  const [, , index, start, end] = subscript;
  const picked =
    index !== undefined
      ? [hosts.at(Number(index))].filter((h) => h !== undefined)
      : hosts.slice(Number(start), end ? Number(end) + 1 : undefined);
  if (!picked.length) {
    throw new OptionsError(
      'HOST_PATTERN_UNMATCHED',
      `Host pattern '${pattern}': '${term}' selects no host (it matches ${hosts.length}; indexes start at 0).`,
    );
  }
  return picked;
}

function compile(pattern: string, expr: string): RegExp {
  if (!expr.startsWith('~')) return globToRegExp(expr);
  try {
    // Python's re.match: anchored at the start only.
    return new RegExp(`^(?:${expr.slice(1)})`);
  } catch (error) {
    throw new OptionsError(
      'HOST_PATTERN_INVALID',
      `Host pattern '${pattern}': '${expr}' is not a valid regular expression (${(error as Error).message}).`,
    );
  }
}

/** Python's fnmatch.translate: `*`, `?`, `[abc]`, `[!abc]`; everything else literal; whole name. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        source += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, j).replaceAll('\\', '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^')) set = `\\${set}`;
      source += `[${set}]`;
      i = j;
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${source})$`, 's');
}
