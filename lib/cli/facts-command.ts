import { Command } from 'commander';
import {
  addConnectionFlags,
  connectionOptions,
  warnOnStderr,
  type ConnectionFlags,
} from './connection-flags.js';
import { collect } from './option-parsers.js';

/** `bosun facts -i INV HOST`: the core facts of a host and those of Bosun's roles, as JSON. */
export function factsCommand(): Command {
  const command = new Command('facts')
    .description('gather and print the facts of one host (JSON)')
    .argument('<host>', 'inventory host name')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, []);
  return addConnectionFlags(command).action(
    async (name: string, flags: ConnectionFlags & { inventory: string[] }) => {
      // Imported when the command runs, so that `bosun --help` loads none of them.
      const [
        { coreFacts },
        { gatherFactValues },
        { sshdFact },
        { composeFact },
        { loadInventory, selectHosts },
        { redact },
        { hostConnector },
      ] = await Promise.all([
        import('../facts/core-facts.js'),
        import('../facts/define-fact.js'),
        import('../../roles/harden-ssh/sshd-fact.js'),
        import('../resources/docker/compose-fact.js'),
        import('../inventory/index.js'),
        import('../secrets/index.js'),
        import('../engine/run-from-files.js'),
      ]);
      const inventory = await loadInventory(flags.inventory);
      const [host] = selectHosts(inventory, name);
      const transport = await hostConnector(connectionOptions(flags), warnOnStderr)(host);
      try {
        const values = await gatherFactValues(transport, [coreFacts, sshdFact, composeFact]);
        const facts = {
          ...(values.get(coreFacts) as object),
          sshd: values.get(sshdFact),
          compose: values.get(composeFact),
        };
        process.stdout.write(redact(JSON.stringify(facts, null, 2)) + '\n');
      } finally {
        await transport.close();
      }
    },
  );
}
