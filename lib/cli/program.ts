import { Command, CommanderError } from 'commander';
import { BosunError, ExitCode } from '../errors.js';
import { factsCommand } from './facts-command.js';
import { inventoryCommand } from './inventory-command.js';
import { packageVersion } from './package-version.js';
import { pingCommand } from './ping-command.js';
import { runCommand } from './run-command.js';

/** The `bosun` command: parses flags, calls the engine, maps the outcome to Ansible's exit codes. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number) => (exitCode = code);
  const program = new Command('bosun')
    .description('Agentless, typed provisioner: run TypeScript playbooks over SSH')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addCommand(runCommand(setExitCode))
    .addCommand(inventoryCommand())
    .addCommand(factsCommand())
    .addCommand(pingCommand(setExitCode));
  // Commander exits by itself on bad flags; every command reports them as exit 5 instead.
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badOptions;
    }
    const { redact } = await import('../secrets/index.js');
    if (error instanceof BosunError) {
      process.stderr.write(redact(`error [${error.code}]: ${error.message}`) + '\n');
      return error.exitCode;
    }
    process.stderr.write(redact(`unexpected error: ${(error as Error).stack ?? String(error)}`) + '\n');
    return ExitCode.unexpected;
  }
}
