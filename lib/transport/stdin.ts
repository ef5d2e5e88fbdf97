import { Readable, type Writable } from 'node:stream';

/** A command's standard input as the caller gives it: text, bytes, or a stream read as it is sent. */
export type StdinSource = string | Buffer | Readable;

/** A command's standard input as a transport sends it. */
export type Stdin = Buffer | Readable;

/**
 * sudo's password line (when it needs one) followed by the caller's input. A stream stays a stream, so a
 * large input (an image archive) is never held in memory whole; `sent` counts the bytes as they go.
 */
export function commandStdin(
  prefix: string | undefined,
  input: StdinSource | undefined,
  sent: (bytes: number) => void,
): Stdin | undefined {
  if (input instanceof Readable) {
    const stream = Readable.from(streamAfter(Buffer.from(prefix ?? ''), input, sent));
    // Stopped early, it stops the caller's stream at once, also one that is waiting for its next chunk.
    stream.once('close', () => input.destroy());
    return stream;
  }
  if (prefix === undefined && input === undefined) return undefined;
  const bytes = Buffer.concat([Buffer.from(prefix ?? ''), Buffer.from(input ?? '')]);
  sent(bytes.length);
  return bytes;
}

async function* streamAfter(first: Buffer, rest: Readable, sent: (bytes: number) => void) {
  sent(first.length);
  if (first.length > 0) yield first;
  for await (const chunk of rest) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    sent(bytes.length);
    yield bytes;
  }
}

/**
 * Writes the input into a command's stdin and closes it. A stream is piped with back-pressure; when it
 * fails, the command's stdin is closed all the same (the command sees a short input and fails; the stream's
 * owner reports its own error). `stop` ends the stream early, once the command is gone.
 */
export function sendStdin(stdin: Stdin | undefined, target: Writable): { stop: () => void } {
  if (!(stdin instanceof Readable)) {
    target.end(stdin);
    return { stop: () => undefined };
  }
  stdin.once('error', () => target.end());
  stdin.pipe(target);
  return { stop: () => stdin.destroy() };
}
