import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExtraVars } from './extra-vars.js';

describe('extra vars (-e)', () => {
  it('parses key=value pairs as strings, JSON and @files, later values winning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-extra-'));
    writeFileSync(join(dir, 'vars.yml'), 'port: 2222\nusers: [deploy]\n');
    const vars = await parseExtraVars([
      'a=1 b=x=y',
      '{"port": 22, "c": true}',
      `@${join(dir, 'vars.yml')}`,
    ]).finally(() => rmSync(dir, { recursive: true, force: true }));
    assert.deepEqual(vars, { a: '1', b: 'x=y', port: 2222, c: true, users: ['deploy'] });
  });

  it('rejects malformed values with exit code 5', async () => {
    await assert.rejects(
      parseExtraVars(['novalue']),
      (e: Error & { exitCode: number }) => e.exitCode === 5 && /key=value/.test(e.message),
    );
    await assert.rejects(parseExtraVars(['@/nonexistent/vars.yml']), /cannot read/);
    await assert.rejects(parseExtraVars(['[1, 2]']), /key=value/);
  });
});
