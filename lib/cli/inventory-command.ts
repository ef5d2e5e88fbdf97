import { Command } from 'commander';
import { OptionsError } from '../errors.js';
import { collect } from './option-parsers.js';

/** `bosun inventory -i INV --list | --graph`, shaped like `ansible-inventory` so users can compare. */
export function inventoryCommand(): Command {
  return new Command('inventory')
    .description('show an inventory as ansible-inventory does (--list JSON, or --graph)')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('--list', 'JSON: groups with hosts and children, and _meta.hostvars')
    .option('--graph', 'tree of groups and hosts')
    .action(async (flags: { inventory: string[]; list?: boolean; graph?: boolean }) => {
      if (!flags.list === !flags.graph) {
        throw new OptionsError('INVENTORY_MODE', 'bosun inventory needs exactly one of --list or --graph');
      }
      const { inventoryToGraph, inventoryToList, loadInventory } = await import('../inventory/index.js');
      const inventory = await loadInventory(flags.inventory);
      process.stdout.write(
        flags.list
          ? JSON.stringify(inventoryToList(inventory), null, 4) + '\n'
          : inventoryToGraph(inventory) + '\n',
      );
    });
}
