import { Writable } from 'node:stream';
import type { Playbook } from '../engine/playbook.js';
import type { RunResult } from '../engine/results.js';
import { runFromFiles, type RunFromFilesOptions } from '../engine/run-from-files.js';
import { createReporter } from '../output/index.js';

export interface InProcessRunOptions extends Pick<
  RunFromFilesOptions,
  'limit' | 'check' | 'diff' | 'tags' | 'skipTags' | 'forks'
> {
  inventoryFile: string;
  knownHostsFile: string;
  /** `-e` variables, already parsed. */
  extraVars?: Record<string, unknown>;
}

/** A finished run: the engine's result and what the plain (uncoloured, verbose) reporter printed. */
export interface CapturedRun {
  result: RunResult;
  output: string;
}

/**
 * Runs a playbook in this process as the CLI does (the same run assembly, strict host keys, redaction),
 * with the reporter writing to a buffer. `BOSUN_TEST_ECHO=1` also prints it, to watch a scenario live.
 */
export async function runInProcess(playbook: Playbook, options: InProcessRunOptions): Promise<CapturedRun> {
  const { inventoryFile, knownHostsFile, ...runOptions } = options;
  const chunks: Buffer[] = [];
  const echo = Boolean(process.env.BOSUN_TEST_ECHO);
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      if (echo) process.stdout.write(chunk);
      done();
    },
  });
  const result = await runFromFiles({
    ...runOptions,
    playbook,
    inventory: [inventoryFile],
    connection: { knownHostsPolicy: 'strict', knownHostsFile },
    reporter: () => createReporter({ stream, tty: false, color: false, verbose: true }),
  });
  return { result, output: Buffer.concat(chunks).toString('utf8') };
}
