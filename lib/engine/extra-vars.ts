import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { OptionsError } from '../errors.js';

/**
 * Parses `-e` values as Ansible does: `key=value key2=value2` (strings), `@vars.yml` (a YAML or JSON file),
 * or an inline JSON/YAML mapping. Later values win.
 */
export async function parseExtraVars(values: string[]): Promise<Record<string, unknown>> {
  const merged: Record<string, unknown> = {};
  for (const value of values) Object.assign(merged, await parseOne(value));
  return merged;
}

async function parseOne(value: string): Promise<Record<string, unknown>> {
  if (value.startsWith('@')) {
    const file = value.slice(1);
    const text = await readFile(file, 'utf8').catch(() => {
      throw new OptionsError('EXTRA_VARS_FILE', `-e ${value}: cannot read ${file}`);
    });
    return asMapping(text, `-e ${value}`);
  }
  if (value.trimStart().startsWith('{')) return asMapping(value, `-e ${value}`);
  const pairs: Record<string, unknown> = {};
  for (const pair of value.split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new OptionsError(
        'EXTRA_VARS_INVALID',
        `-e ${pair}: expected key=value, @file.yml or a JSON object`,
      );
    pairs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return pairs;
}

function asMapping(text: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new OptionsError('EXTRA_VARS_INVALID', `${where}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OptionsError('EXTRA_VARS_INVALID', `${where}: must be a mapping of variable names to values`);
  }
  return parsed as Record<string, unknown>;
}
