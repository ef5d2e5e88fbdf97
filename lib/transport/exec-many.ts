import { randomBytes } from 'node:crypto';
import { sh, raw } from './shell.js';
import type { ExecResult, Transport } from './transport.js';

export interface BatchScript {
  script: string;
  env?: Record<string, string>;
}

/** The batch's output was cut before every script had reported: the connection or the shell died. */
export class BatchCutError extends Error {}

/**
 * Runs several independent scripts in one round trip, each in its own subshell with its own environment,
 * and returns each one's exit status, stdout and stderr exactly as if it had run alone. The outputs are
 * framed by a random marker that no script can predict.
 */
export async function execMany(transport: Transport, scripts: BatchScript[]): Promise<ExecResult[]> {
  if (scripts.length === 0) return [];
  const marker = `BOSUN-${randomBytes(12).toString('hex')}`;
  const result = await transport.exec(batchScript(scripts, marker));
  return parseBatch(result, marker, scripts.length);
}

/** The one script of a batch: outputs go to a private folder first, so stdout and stderr stay apart. */
export function batchScript(scripts: BatchScript[], marker: string): string {
  const steps = scripts.map(({ script, env = {} }, i) => {
    const exports = Object.entries(env).map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
        throw new TypeError(`invalid environment variable name: ${key}`);
      return `${sh`export ${raw(key)}=${value}`}\n`;
    });
    // eval: each script is parsed on its own, so a syntax error fails that script alone, not the batch.
    return (
      `(\n${exports.join('')}eval ${sh`${script}`}\n) <"/dev/null" >"$d/o" 2>"$d/e"; rc=$?\n` +
      `printf '\\n%s:%s:%s\\n' ${marker} ${i} "$rc"; cat "$d/o"; printf '\\n%s:err\\n' ${marker}; cat "$d/e"`
    );
  });
  return [
    `d=$(mktemp -d) || exit 1`,
    `trap 'rm -rf "$d"' EXIT`,
    ...steps,
    `printf '\\n%s:end\\n' ${marker}`,
  ].join('\n');
}

export function parseBatch(result: ExecResult, marker: string, count: number): ExecResult[] {
  const chunks = result.stdout.split(`\n${marker}:`).slice(1);
  const results: ExecResult[] = [];
  for (let i = 0; i < chunks.length - 1; i += 2) {
    const [header, stdout] = splitHeader(chunks[i]);
    const [, stderr] = splitHeader(chunks[i + 1]);
    const [index, code] = header.split(':').map(Number);
    if (index !== results.length) break;
    results.push({ code, stdout, stderr });
  }
  if (results.length !== count || chunks.at(-1) !== 'end\n') {
    throw new BatchCutError(
      `the batch of ${count} probes stopped after ${results.length} (exit ${result.code})` +
        (result.stderr.trim() ? `: ${result.stderr.trim()}` : ''),
    );
  }
  return results;
}

function splitHeader(chunk: string): [string, string] {
  const newline = chunk.indexOf('\n');
  return newline < 0 ? [chunk, ''] : [chunk.slice(0, newline), chunk.slice(newline + 1)];
}
