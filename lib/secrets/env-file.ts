import { parseEnv } from 'node:util';
import { ParseError } from '../errors.js';

/** Names a shell can `export`; the secret store accepts the same. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ENTRY = /^\s*(?:export\s+)?([^\s=]+)\s*=(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

/**
 * Parses dotenv text: `KEY=value`, an optional `export ` prefix, `#` comments, values in single,
 * double or back quotes (double-quoted values may span lines and expand `\n`). Values follow Node's
 * own `--env-file` rules (`util.parseEnv`); this function finds the entries and their line numbers,
 * so a malformed line fails with `path:line` instead of being silently dropped as `parseEnv` does.
 * Error messages never quote a line's text: it may hold a secret.
 */
export function parseEnvFile(text: string, path: string): Map<string, string> {
  const values = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const where = `${path}:${i + 1}`;
    const entry = ENTRY.exec(line);
    if (!entry) throw syntaxError(where, 'expected KEY=value (a line with no "=")');
    const [, key, rest] = entry;
    if (!ENV_NAME.test(key)) {
      throw syntaxError(
        where,
        `"${key}" is not a valid variable name (letters, digits and _, not starting with a digit)`,
      );
    }
    let value = rest.trimStart();
    const quoteChar = value[0];
    if (QUOTES.has(quoteChar)) {
      const start = i;
      let close = value.indexOf(quoteChar, 1);
      while (close === -1 && i + 1 < lines.length) {
        value += '\n' + lines[++i];
        close = value.indexOf(quoteChar, 1);
      }
      if (close === -1)
        throw syntaxError(`${path}:${start + 1}`, `the ${quoteChar}-quoted value of ${key} is never closed`);
      if (!/^\s*(#.*)?$/.test(value.slice(close + 1))) {
        throw syntaxError(`${path}:${i + 1}`, `unexpected text after the closing ${quoteChar} of ${key}`);
      }
      value = value.slice(0, close + 1);
    }
    values.set(key, parseEnv(`${key}=${value}`)[key] ?? '');
  }
  return values;
}

function syntaxError(where: string, problem: string): ParseError {
  return new ParseError('ENV_FILE_SYNTAX', `${where}: ${problem}. Fix the line in the env file.`);
}
