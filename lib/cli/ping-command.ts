import { Command } from 'commander';
import { ExitCode, type ExitCode as Code } from '../errors.js';
import {
  addConnectionFlags,
  connectionOptions,
  warnOnStderr,
  type ConnectionFlags,
} from './connection-flags.js';
import { collect, positiveInteger } from './option-parsers.js';

/** `bosun ping -i INV`: connect to every host and run one command, as `ansible -m ping`. */
export function pingCommand(setExitCode: (code: Code) => void): Command {
  const command = new Command('ping')
    .description('check that every host is reachable and can run a command')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern', 'all')
    .option('-f, --forks <n>', 'hosts in parallel', positiveInteger, 10);
  return addConnectionFlags(command).action(
    async (flags: ConnectionFlags & { inventory: string[]; limit: string; forks: number }) => {
      // Imported when the command runs, so that `bosun --help` loads none of them.
      const [{ forEachLimited }, { loadInventory, selectHosts }, { redact }, { hostConnector }] =
        await Promise.all([
          import('../engine/parallel.js'),
          import('../inventory/index.js'),
          import('../secrets/index.js'),
          import('../engine/run-from-files.js'),
        ]);
      const inventory = await loadInventory(flags.inventory);
      const open = hostConnector(connectionOptions(flags), warnOnStderr);
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
