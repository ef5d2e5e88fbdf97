import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connect } from './connect.js';
import { LocalTransport } from './local-transport.js';

describe('LocalTransport', function () {
  this.timeout(10_000);
  let dir: string;
  before(async () => (dir = await realpath(await mkdtemp(join(tmpdir(), 'bosun-local-test-')))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('is what connect() returns for connection: local, with no connection opened', async () => {
    const transport = await connect({
      name: 'control',
      groups: ['all'],
      vars: {},
      connection: { connection: 'local', address: 'control', become: false },
    });
    assert.ok(transport instanceof LocalTransport);
    assert.equal(transport.hostName, 'control');
    assert.equal((await transport.exec('echo ok')).stdout, 'ok\n');
    assert.equal(transport.counters.connectionsOpened, 0);
    await transport.close();
  });

  it('runs with /bin/sh, stdin, env and cwd, and reports exit codes and stderr', async () => {
    const transport = new LocalTransport('control');
    const result = await transport.exec('read line; echo "$line $GREETING $(pwd)"; echo oops >&2; exit 3', {
      stdin: 'hello\n',
      env: { GREETING: "it's me; rm -rf /" },
      cwd: dir,
    });
    assert.deepEqual(result, { code: 3, stdout: `hello it's me; rm -rf / ${dir}\n`, stderr: 'oops\n' });
  });

  it('kills a command and its children at the timeout, with exit code 124', async () => {
    const transport = new LocalTransport('control');
    const started = Date.now();
    const result = await transport.exec(
      // 3 s of work against a 0.3 s timeout: room for a loaded machine on either side of the 2 s bound.
      `(sleep 3; touch ${join(dir, 'child-went-on')}) & sleep 3; touch ${join(dir, 'command-went-on')}`,
      { timeoutMs: 300 },
    );
    assert.equal(result.code, 124);
    assert.match(result.stderr, /timed out after 300 ms/);
    assert.ok(Date.now() - started < 2_000, 'the timeout waited for the command');
    const later = await transport.exec(`sleep 3.2; ls ${dir}`);
    assert.equal(later.stdout, '', 'the command or its child went on after the timeout');
  });

  it('reports a command killed by a signal as 128 + its number, as a shell does', async () => {
    const result = await new LocalTransport('control').exec('kill -TERM $$');
    assert.equal(result.code, 143);
  });

  it('streams a Readable stdin into the command, and counts it as it goes', async () => {
    const transport = new LocalTransport('control');
    const result = await transport.exec('wc -c', { stdin: Readable.from([Buffer.alloc(300_000), 'tail']) });
    assert.equal(result.stdout.trim(), '300004');
    assert.equal(transport.counters.bytesSent, 'wc -c'.length + 300_004);
  });

  it('counts commands and bytes', async () => {
    const transport = new LocalTransport('control');
    await transport.exec('cat', { stdin: '12345' });
    await transport.exec('printf abc >&2');
    assert.equal(transport.counters.commands, 2);
    assert.equal(transport.counters.bytesSent, 'cat'.length + 5 + 'printf abc >&2'.length);
    assert.equal(transport.counters.bytesReceived, 5 + 3);
    assert.equal(transport.counters.connectionsOpened, 0);
  });
});
