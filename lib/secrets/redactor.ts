import { quote } from 'zx';

/** What every registered secret value is replaced with. */
export const MASK = '***';

/**
 * Replaces registered secret values in text before it is printed. A value is matched as it is and in
 * the forms it takes on its way into output: JSON-escaped (JSON reports, error messages quoting JSON),
 * shell-quoted (POSIX `'...'` as `sh` builds commands, and zx's `$'...'`), URL-encoded (connection
 * strings), and, for multi-line values, each non-blank line (a private key printed partially or with
 * other line endings).
 *
 * Any non-empty value is registered, however short: a short value (such as `1`) masks every occurrence
 * of those characters in the output, which is noisy but never leaks.
 */
export class Redactor {
  readonly #forms = new Set<string>();
  #pattern: RegExp | undefined;

  add(value: string): void {
    if (value === '') return;
    const before = this.#forms.size;
    for (const form of formsOf(value)) this.#forms.add(form);
    const lines = value.split(/\r?\n/);
    if (lines.length > 1) {
      for (const line of lines)
        if (line.trim() !== '') for (const form of formsOf(line)) this.#forms.add(form);
    }
    if (this.#forms.size !== before) this.#pattern = undefined;
  }

  redact(text: string): string {
    if (this.#forms.size === 0) return text;
    this.#pattern ??= patternOf(this.#forms);
    return text.replace(this.#pattern, MASK);
  }

  /** How many distinct forms are registered (values and their escaped variants). */
  get size(): number {
    return this.#forms.size;
  }
}

function formsOf(value: string): string[] {
  const zxQuoted = quote(value);
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    zxQuoted.startsWith("$'") ? zxQuoted.slice(2, -1) : zxQuoted,
    value.replaceAll("'", `'\\''`),
    encodeURIComponent(value),
  ].filter((form) => form !== '');
}

/** One alternation, longest first, so a value containing another registered value is masked whole. */
function patternOf(forms: Set<string>): RegExp {
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

/** The process-wide redactor: every secret resolved by the secret store is registered here. */
// One instance per process even when Bosun's modules load twice (a playbook importing `bosun` from another
// copy): a secret registered through any copy must be masked by every reporter.
const globalKey = Symbol.for('bosun.redactor');
export const redactor: Redactor =
  ((globalThis as Record<symbol, unknown>)[globalKey] as Redactor | undefined) ??
  ((globalThis as Record<symbol, unknown>)[globalKey] = new Redactor());

export const redact = (text: string): string => redactor.redact(text);
