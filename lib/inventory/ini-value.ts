/**
 * Reads an INI inventory value the way Ansible does (Python's `ast.literal_eval`, else the text
 * itself): `22` is a number, `True`/`False`/`None` are booleans and null, `'a b'` is a string,
 * `['a', 'b']` a list, `{'k': 1}` a mapping; `true`, `yes` and `0755` stay strings. A trailing
 * `# comment` is dropped only when the rest is a valid literal, as in Ansible.
 */
export function parseIniValue(text: string): unknown {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    reader.end();
    return value;
  } catch (error) {
    if (error instanceof NotALiteral) return text;
    throw error;
  }
}

class NotALiteral extends Error {}

const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = new RegExp(
  String.raw`^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|` +
    String.raw`(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?)`,
);
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

class LiteralReader {
  #pos = 0;
  constructor(private readonly text: string) {}

  value(): unknown {
    this.#skipSpace();
    const ch = this.text[this.#pos];
    if (ch === "'" || ch === '"') return this.#string(ch);
    if (ch === '[') return this.#sequence(']');
    if (ch === '(') return this.#sequence(')');
    if (ch === '{') return this.#mapping();
    if (ch === '-' || ch === '+') {
      this.#pos++;
      const n = this.#number();
      return ch === '-' ? -n : n;
    }
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.text.startsWith(word, this.#pos) && !/\w/.test(this.text[this.#pos + word.length] ?? '')) {
        this.#pos += word.length;
        return value;
      }
    }
    return this.#number();
  }

  end(): void {
    this.#skipSpace();
    if (this.text[this.#pos] === '#') return;
    if (this.#pos !== this.text.length) throw new NotALiteral();
  }

  #number(): number {
    const match = NUMBER.exec(this.text.slice(this.#pos));
    if (!match) throw new NotALiteral();
    const digits = match[0].replaceAll('_', '');
    // Python 3 rejects leading zeros in decimal integers ("0755").
    if (/^0\d/.test(digits) && !/[.eE]/.test(digits) && /[1-9]/.test(digits)) throw new NotALiteral();
    if (/\w/.test(this.text[this.#pos + match[0].length] ?? '')) throw new NotALiteral();
    this.#pos += match[0].length;
    return Number(digits);
  }

  #string(quote: string): string {
    let out = '';
    for (this.#pos++; this.#pos < this.text.length; this.#pos++) {
      const ch = this.text[this.#pos];
      if (ch === quote) {
        this.#pos++;
        return out;
      }
      if (ch === '\\' && this.#pos + 1 < this.text.length) {
        const next = this.text[++this.#pos];
        out += ESCAPES[next] ?? `\\${next}`;
      } else {
        out += ch;
      }
    }
    throw new NotALiteral();
  }

  #sequence(close: string): unknown[] {
    const items: unknown[] = [];
    this.#pos++;
    while (!this.#take(close)) {
      items.push(this.value());
      if (!this.#take(',')) {
        if (!this.#take(close)) throw new NotALiteral();
        break;
      }
    }
    return items;
  }

  #mapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.#pos++;
    while (!this.#take('}')) {
      const key = this.value();
      if (!this.#take(':') || (typeof key === 'object' && key !== null)) throw new NotALiteral();
      out[String(key)] = this.value();
      if (!this.#take(',')) {
        if (!this.#take('}')) throw new NotALiteral();
        break;
      }
    }
    return out;
  }

  #take(ch: string): boolean {
    this.#skipSpace();
    if (this.text[this.#pos] !== ch) return false;
    this.#pos++;
    return true;
  }

  #skipSpace(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos])) this.#pos++;
  }
}
