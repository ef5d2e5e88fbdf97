import { Command } from 'commander';
import type { ExitCode } from '../errors.js';
import { addConnectionFlags, connectionOptions, type ConnectionFlags } from './connection-flags.js';
import { collect, positiveInteger, splitList } from './option-parsers.js';

interface RunFlags extends ConnectionFlags {
  inventory: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags: string[];
  skipTags: string[];
  forks: number;
  extraVars: string[];
  envFile: string[];
  json?: boolean;
  verbose: number;
  detailedExitcode?: boolean;
}

/** `bosun run PLAYBOOK -i INVENTORY ...` */
export function runCommand(setExitCode: (code: ExitCode) => void): Command {
  const command = new Command('run')
    .description('run a playbook against the hosts of an inventory')
    .argument('<playbook>', 'playbook file (.ts) whose default export is playbook({...})')
    .requiredOption('-i, --inventory <path>', 'inventory file or folder (repeatable)', collect, [])
    .option('-C, --check', 'dry run: probe and plan, change nothing')
    .option('-D, --diff', 'show unified diffs of what changes')
    .option('-l, --limit <pattern>', "only hosts matching this pattern (e.g. 'web:!web3')")
    .option('-t, --tags <tags>', 'only tasks with these tags (comma separated)', splitList, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma separated)', splitList, [])
    .option('-f, --forks <n>', 'hosts in parallel', positiveInteger, 10)
    .option(
      '-e, --extra-vars <vars>',
      'key=value, @file.yml or JSON (repeatable, highest precedence)',
      collect,
      [],
    )
    .option('--env-file <file>', 'read secrets from a dotenv file (repeatable)', collect, [])
    .option('--json', 'print one JSON document with every result instead of progress')
    .option(
      '-v, --verbose',
      'more detail: round trips, durations, transport counters',
      (_, total: number) => total + 1,
      0,
    )
    .option('--detailed-exitcode', `with --check: exit 6 when changes are pending, 0 when none`);
  return addConnectionFlags(command).action(async (playbookFile: string, flags: RunFlags) => {
    // Imported when the command runs: `bosun --help` loads none of the engine, and a run loads the
    // progress view (listr2) only for a terminal.
    const [{ runFromFiles }, { exitCodeOf }] = await Promise.all([
      import('../engine/run-from-files.js'),
      import('../engine/exit-code.js'),
    ]);
    const result = await runFromFiles({
      playbook: playbookFile,
      inventory: flags.inventory,
      envFiles: flags.envFile,
      extraVars: flags.extraVars,
      limit: flags.limit,
      check: flags.check,
      diff: flags.diff,
      tags: flags.tags,
      skipTags: flags.skipTags,
      forks: flags.forks,
      connection: connectionOptions(flags),
      reporter: async () => {
        const { createReporter } = await import('../output/create-reporter.js');
        return createReporter({ json: flags.json, verbose: flags.verbose });
      },
    });
    setExitCode(exitCodeOf(result, flags.detailedExitcode));
  });
}
