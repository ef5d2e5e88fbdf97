import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The command line that starts Bosun's CLI from this checkout (or from the installed package): node with
 * the tsx loader, so the CLI runs from its TypeScript sources and loads `.ts` playbooks. Absolute paths,
 * so it works from any working directory.
 */
export function bosunCommand(): { command: string; args: string[] } {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const main = fileURLToPath(new URL(`../cli/main${extension}`, import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { command: process.execPath, args: ['--import', tsx, main] };
}

export interface RunBosunOptions {
  /** Added to this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the CLI's standard input (closed otherwise: the CLI must never wait for a TTY). */
  input?: string;
  /** Kill the CLI after this long; default 10 minutes. */
  timeoutMs?: number;
  /** How to start the CLI; default `bosunCommand()` (its TypeScript sources through tsx). */
  cli?: { command: string; args: string[] };
}

export interface BosunProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bosun ARGS...` as a child process and collects its exit code and output, for tests of the CLI. */
export function runBosun(args: string[], options: RunBosunOptions = {}): Promise<BosunProcessResult> {
  const { command, args: prefix } = options.cli ?? bosunCommand();
  const env = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 10 * 60_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? 128 + (signal ? constants.signals[signal] : 0),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}
