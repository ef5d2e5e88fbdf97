import { Command } from 'commander';
import { forEachLimited } from '../engine/parallel.js';
import { ExitCode, type ExitCode as Code } from '../errors.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { redact } from '../secrets/index.js';
import { addConnectionFlags, connectWith, type ConnectionFlags } from './connection-flags.js';
import { collect } from './option-parsers.js';

/** `bosun ping -i INV`: connect to every host and run one command, as `ansible -m ping`. */
export function pingCommand(setExitCode: (code: Code) => void): Command {
  const command = new Command('ping')
    .description('check that every host is reachable and can run a command')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern', 'all')
    .option('-f, --forks <n>', 'hosts in parallel', (value) => Number(value), 10);
  return addConnectionFlags(command).action(
    async (flags: ConnectionFlags & { inventory: string[]; limit: string; forks: number }) => {
      const inventory = await loadInventory(flags.inventory);
      const open = connectWith(flags, (message) => process.stderr.write(`warning: ${message}\n`));
      let unreachable = 0;
      await forEachLimited(selectHosts(inventory, flags.limit), flags.forks, async (host) => {
        try {
          const transport = await open(host);
          const started = Date.now();
          const result = await transport.exec('true');
          await transport.close();
          if (result.code !== 0) throw new Error(`'true' exited ${result.code}: ${result.stderr.trim()}`);
          process.stdout.write(`${host.name} | SUCCESS | pong (${Date.now() - started} ms)\n`);
        } catch (error) {
          unreachable += 1;
          process.stdout.write(redact(`${host.name} | UNREACHABLE | ${(error as Error).message}`) + '\n');
        }
      });
      setExitCode(unreachable > 0 ? ExitCode.hostUnreachable : ExitCode.ok);
    },
  );
}
