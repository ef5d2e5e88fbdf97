import { OptionsError } from '../errors.js';
import type { Inventory } from './inventory.js';

/**
 * What `ansible-inventory --graph [GROUP]` prints: the group tree from GROUP (default `all`), child
 * groups then hosts in inventory order, `all` showing no hosts of its own (they are in @ungrouped).
 *
 *     @all:
 *       |--@ungrouped:
 *       |--@web:
 *       |  |--web1
 */
export function inventoryToGraph(inventory: Inventory, group = 'all'): string {
  if (!inventory.groups.has(group)) {
    const known = [...inventory.groups.keys()].sort().join(', ');
    throw new OptionsError(
      'INVENTORY_GRAPH_GROUP',
      `'${group}' is not a group of the inventory. Known groups: ${known}.`,
    );
  }
  const lines: string[] = [];
  const walk = (name: string, depth: number): void => {
    const { children, hosts } = inventory.groups.get(name)!;
    lines.push(indent(`@${name}:`, depth));
    for (const child of children) walk(child, depth + 1);
    if (name !== 'all') for (const host of hosts) lines.push(indent(host, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}

function indent(name: string, depth: number): string {
  return depth ? `${'  |'.repeat(depth)}--${name}` : name;
}
