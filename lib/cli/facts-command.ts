import { Command } from 'commander';
import { sshdFact } from '../../roles/harden-ssh/sshd-fact.js';
import { coreFacts } from '../facts/core-facts.js';
import { gatherFactValues } from '../facts/define-fact.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { redact } from '../secrets/index.js';
import { addConnectionFlags, connectWith, type ConnectionFlags } from './connection-flags.js';
import { collect } from './option-parsers.js';

/** `bosun facts -i INV HOST`: the core facts of a host and those of Bosun's roles, as JSON. */
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
        const values = await gatherFactValues(transport, [coreFacts, sshdFact]);
        const facts = { ...(values.get(coreFacts) as object), sshd: values.get(sshdFact) };
        process.stdout.write(redact(JSON.stringify(facts, null, 2)) + '\n');
      } finally {
        await transport.close();
      }
    },
  );
}
