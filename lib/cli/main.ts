#!/usr/bin/env node
import { ExitCode } from '../errors.js';
import { main } from './program.js';

process.on('SIGINT', () => {
  process.stderr.write('interrupted\n');
  process.exit(ExitCode.interrupted);
});

process.exitCode = await main(process.argv);
