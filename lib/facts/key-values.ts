/**
 * Reads `key=value` lines, the format of every probe script and of `systemctl show`. The first `=` splits;
 * lines without one are ignored, so stray output cannot shift the values.
 */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return values;
}
