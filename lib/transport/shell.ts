/**
 * Builds a shell command from a template, quoting every interpolated value so that a variable
 * holding `; rm -rf /` stays one literal argument. Arrays become several quoted arguments.
 * Use `raw()` for a trusted fragment that must not be quoted (another `sh` result is already safe).
 */
export function sh(strings: TemplateStringsArray, ...values: unknown[]): ShellCommand {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new ShellCommand(out);
}

export class ShellCommand {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks a trusted fragment that `sh` inserts as it is. */
export function raw(text: string): ShellCommand {
  return new ShellCommand(text);
}

function render(value: unknown): string {
  if (value instanceof ShellCommand) return value.text;
  if (Array.isArray(value)) return value.map(render).join(' ');
  if (value === undefined || value === null) throw new TypeError('sh: cannot quote an undefined value');
  return quote(String(value));
}

/**
 * POSIX single quotes: the one form every /bin/sh reads the same way (dash included). zx's `quote` emits
 * bash's `$'...'`, which dash reads as `$` plus a quoted string and a live rest: `a'; touch x #` ran `touch`.
 */
function quote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
