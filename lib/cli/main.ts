#!/usr/bin/env node
// Kept small: `bosun --version` answers without loading commander, and every command's modules are
// imported only when that command runs.
import { ExitCode } from '../errors.js';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { packageVersion } = await import('./package-version.js');
  process.stdout.write(`${packageVersion()}\n`);
} else {
  process.on('SIGINT', () => {
    process.stderr.write('interrupted\n');
    process.exit(ExitCode.interrupted);
  });
  const { main } = await import('./program.js');
  process.exitCode = await main(process.argv);
}
