// `npm run demo`: a throwaway Debian 12 host, and the real CLI run on it three times (check with diff,
// converge, no-op), then a drift check and the served page. The host is removed at the end, on failure
// and on Ctrl-C.
import { spawn } from 'node:child_process';
import chalk from 'chalk';
import { fileURLToPath } from 'node:url';
import { bosunCommand, runBosun } from '../../lib/testing/run-bosun.js';
import { ThrowawayFleet } from '../../lib/testing/throwaway-fleet.js';
import { selectedImageKind } from '../../lib/testing/host-image.js';

const playbookFile = fileURLToPath(new URL('../../playbooks/demo.ts', import.meta.url));
let interrupted = false;

/** Runs `bosun ARGS` with this terminal as its own, so its progress view and colours show. */
function bosunOnTerminal(args: string[]): Promise<number> {
  const { command, args: prefix } = bosunCommand();
  process.stdout.write(`\n${chalk.bold(`$ bosun ${args.join(' ')}`)}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 99));
  });
}

async function demo(fleet: ThrowawayFleet): Promise<number> {
  const base = ['run', playbookFile, '-i', fleet.inventoryFile, '--known-hosts-file', fleet.knownHostsFile];
  const steps: { title: string; args: string[] }[] = [
    { title: 'check with diff on a fresh host (changes nothing)', args: [...base, '--check', '--diff'] },
    { title: 'converge (the real run)', args: base },
    { title: 'run again: nothing to change', args: base },
  ];
  const summary: string[] = [];
  for (const step of steps) {
    const started = Date.now();
    const code = await bosunOnTerminal(step.args);
    summary.push(`${step.title}: exit ${code}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (interrupted) throw new Error('interrupted');
    if (code !== 0) {
      process.stdout.write(`\n${summary.join('\n')}\nthe demo stopped: bosun exited ${code}\n`);
      return code;
    }
  }
  const drift = await runBosun([...base, '--check', '--detailed-exitcode']);
  summary.push(
    `drift check (--check --detailed-exitcode): exit ${drift.code}${drift.code === 0 ? ', nothing would change' : ''}`,
  );
  const page = await fleet.hosts[0].exec('curl -fsS http://localhost/');
  summary.push(
    `the page nginx serves on ${fleet.hosts[0].name}: ${page.output.match(/<h1>(.*)<\/h1>/)?.[1] ?? page.output.trim()}`,
  );
  process.stdout.write(`\n${chalk.bold('Summary')}\n${summary.map((line) => `  ${line}`).join('\n')}\n`);
  return drift.code === 0 && page.code === 0 ? 0 : 1;
}

async function main(): Promise<number> {
  const stop = () => {
    interrupted = true;
    process.stdout.write('\ninterrupted: removing the throwaway host...\n');
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  process.stdout.write(
    `Starting a throwaway ${selectedImageKind()} host (the first time, its image is built: 1-2 minutes)...\n`,
  );
  const fleet = await ThrowawayFleet.start([{ name: 'demo-web' }]);
  try {
    process.stdout.write(
      `Host demo-web: SSH on 127.0.0.1:${fleet.hosts[0].port}, inventory ${fleet.inventoryFile}\n`,
    );
    if (interrupted) return 130;
    return await demo(fleet);
  } catch (error) {
    if (interrupted) return 130;
    throw error;
  } finally {
    await fleet.stop();
    process.stdout.write('The throwaway host is removed.\n');
  }
}

process.exitCode = await main();
