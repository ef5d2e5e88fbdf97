import type { Inventory } from './inventory.js';

export interface ListedGroup {
  hosts?: string[];
  children?: string[];
}

export interface ListMeta {
  hostvars: Record<string, Record<string, unknown>>;
}

/** The JSON of `ansible-inventory --list`. */
export interface InventoryList {
  _meta: ListMeta;
  [group: string]: ListedGroup | ListMeta;
}

/**
 * What `ansible-inventory --list` prints (ansible-core 2.15+): each group with its `hosts` and
 * `children` in inventory order (empty lists left out, empty groups left out but still named in
 * their parent's children, `all` without hosts), and every host's merged variables under
 * `_meta.hostvars` (hosts without variables left out). Group vars are not listed, as without
 * `--export`. Keys are sorted, as ansible-inventory's JSON is: `JSON.stringify(list, null, 4)`
 * prints the same text.
 */
export function inventoryToList(inventory: Inventory): InventoryList {
  const list: Record<string, ListedGroup | ListMeta> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const group = inventory.groups.get(name)!;
    const entry: ListedGroup = {};
    if (group.children.length) entry.children = [...group.children];
    if (name !== 'all' && group.hosts.length) entry.hosts = [...group.hosts];
    if (Object.keys(entry).length) list[name] = entry;
    for (const child of group.children) {
      if (seen.has(child)) continue;
      seen.add(child);
      format(child);
    }
  };
  format('all');

  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of inventory.hosts.values()) {
    if (Object.keys(host.vars).length) hostvars[host.name] = host.vars;
  }
  list._meta = { hostvars };
  return sortKeys(list) as InventoryList;
}

/** Python's json.dumps(sort_keys=True): mapping keys sorted at every level, lists kept in order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}
