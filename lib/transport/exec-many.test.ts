import assert from 'node:assert/strict';
import { batchScript, BatchCutError, execMany, parseBatch } from './exec-many.js';
import { LocalTransport } from './local-transport.js';

describe('execMany', () => {
  const transport = new LocalTransport('control');

  it('runs independent scripts in one round trip, each with its own status, output, errors and environment', async () => {
    const before = transport.counters.commands;
    const results = await execMany(transport, [
      { script: 'echo one; echo oops >&2; exit 3' },
      { script: 'printf "%s" "$VALUE"', env: { VALUE: "it's $HOME; `x`" } },
      { script: 'printf "no newline"' },
      { script: 'cat; echo "read: $?"' },
      { script: 'exit 0' },
    ]);
    assert.equal(transport.counters.commands - before, 1);
    assert.deepEqual(results, [
      { code: 3, stdout: 'one\n', stderr: 'oops\n' },
      { code: 0, stdout: "it's $HOME; `x`", stderr: '' },
      { code: 0, stdout: 'no newline', stderr: '' },
      { code: 0, stdout: 'read: 0\n', stderr: '' },
      { code: 0, stdout: '', stderr: '' },
    ]);
  });

  it('keeps one script from ending the others: exit and exec stay in its subshell', async () => {
    const results = await execMany(transport, [
      { script: 'exec 2>/dev/null; exit 7' },
      { script: 'echo after' },
    ]);
    assert.deepEqual(
      results.map((r) => [r.code, r.stdout]),
      [
        [7, ''],
        [0, 'after\n'],
      ],
    );
  });

  it('fails a script that does not parse alone, and runs the others', async () => {
    const results = await execMany(transport, [
      { script: 'case x in x) echo "$(' },
      { script: 'case "$0" in */nologin|\'\') echo no ;; *) echo ok ;; esac' },
    ]);
    assert.equal(results[0].code, 2);
    assert.match(results[0].stderr, /Syntax error|unexpected/);
    assert.deepEqual(results[1], { code: 0, stdout: 'ok\n', stderr: '' });
  });

  it('refuses an output cut before every script reported', () => {
    const script = batchScript([{ script: 'true' }, { script: 'true' }], 'M');
    assert.match(script, /^d=\$\(mktemp -d\)/);
    const cut = { code: 255, stdout: '\nM:0:0\n\nM:err\n', stderr: 'Connection closed' };
    assert.throws(
      () => parseBatch(cut, 'M', 2),
      (error: Error) => {
        assert.ok(error instanceof BatchCutError);
        assert.match(error.message, /stopped after 1 \(exit 255\): Connection closed/);
        return true;
      },
    );
  });

  it('refuses environment names a shell would not take', () => {
    assert.throws(
      () => batchScript([{ script: 'true', env: { 'A;B': 'x' } }], 'M'),
      /invalid environment variable name/,
    );
  });
});
