import { Writable } from 'node:stream';
import type { Playbook } from '../engine/playbook.js';
import type { RunResult } from '../engine/results.js';
import { runPlaybook, type RunOptions } from '../engine/run-playbook.js';
import { loadInventory } from '../inventory/index.js';
import { createReporter } from '../output/index.js';
import { redact } from '../secrets/index.js';
import { connect } from '../transport/connect.js';

export interface InProcessRunOptions extends Pick<
  RunOptions,
  'limit' | 'check' | 'diff' | 'tags' | 'skipTags' | 'forks' | 'extraVars'
> {
  inventoryFile: string;
  knownHostsFile: string;
}

/** A finished run: the engine's result and what the plain (uncoloured, verbose) reporter printed. */
export interface CapturedRun {
  result: RunResult;
  output: string;
}

/**
 * Runs a playbook in this process as the CLI would (same inventory loader, strict host keys, redaction),
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
  const result = await runPlaybook(playbook, {
    ...runOptions,
    inventory: await loadInventory([inventoryFile]),
    reporter: await createReporter({ stream, tty: false, color: false, verbose: true }),
    redact,
    connect: (host) => connect(host, { knownHostsPolicy: 'strict', knownHostsFile }),
  });
  return { result, output: Buffer.concat(chunks).toString('utf8') };
}
