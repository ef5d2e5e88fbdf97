import { Command } from 'commander';
import { gatherFacts } from '../facts/gather.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { redact } from '../secrets/index.js';
import { addConnectionFlags, connectWith, type ConnectionFlags } from './connection-flags.js';
import { collect } from './option-parsers.js';

/** `bosun facts -i INV HOST`: what the engine knows about a host, as JSON. */
export function factsCommand(): Command {
  const command = new Command('facts')
    .description('gather and print the facts of one host (JSON)')
    .argument('<host>', 'inventory host name')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, []);
  return addConnectionFlags(command).action(
    async (name: string, flags: ConnectionFlags & { inventory: string[] }) => {
      const inventory = await loadInventory(flags.inventory);
      const [host] = selectHosts(inventory, name);
      const transport = await connectWith(flags, (message) => process.stderr.write(`warning: ${message}\n`))(
        host,
      );
      try {
        process.stdout.write(redact(JSON.stringify(await gatherFacts(transport), null, 2)) + '\n');
      } finally {
        await transport.close();
      }
    },
  );
}
