import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { commandStdin } from './stdin.js';

async function read(stdin: Buffer | Readable | undefined): Promise<string | undefined> {
  if (!(stdin instanceof Readable)) return stdin?.toString();
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('commandStdin', () => {
  it("puts sudo's password line before the caller's input, as bytes or as a stream", async () => {
    let sent = 0;
    const count = (bytes: number) => (sent += bytes);
    const bytes = commandStdin('secret\n', 'input', count);
    assert.ok(Buffer.isBuffer(bytes));
    assert.equal(await read(bytes), 'secret\ninput');
    const stream = commandStdin('secret\n', Readable.from(['in', 'put']), count);
    assert.ok(stream instanceof Readable);
    assert.equal(await read(stream), 'secret\ninput');
    assert.equal(sent, 2 * 'secret\ninput'.length);
  });

  it("stopping the command's input stops the caller's stream, even one waiting for data", async () => {
    const source = new Readable({ read() {} });
    const stdin = commandStdin(undefined, source, () => undefined) as Readable;
    stdin.resume();
    stdin.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(source.destroyed);
  });

  it('has no input when there is neither a password nor stdin', () => {
    assert.equal(
      commandStdin(undefined, undefined, () => assert.fail('nothing is sent')),
      undefined,
    );
  });
});
