import { Chalk, type ChalkInstance } from 'chalk';

/** Where reporters write: process.stdout, or a capturing stream in tests. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function colorEnabled(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return tty && !env.NO_COLOR;
}

/** A chalk of its own per reporter, so colour follows the reporter's stream rather than chalk's global detection. */
export function createStyle(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}

/** Resolves once the text is handed to the OS, so a CLI that exits right after loses nothing. */
export function writeAll(stream: OutputStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
