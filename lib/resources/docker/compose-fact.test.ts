import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { composeFact } from './compose-fact.js';

const run = promisify(execFile);
const fixture = (name: string) =>
  readFileSync(new URL(`../../facts/fixtures/${name}.txt`, import.meta.url), 'utf8');
const parse = (stdout: string) => composeFact.parse({ code: 0, stdout, stderr: '' });

describe('composeFact', () => {
  it('reads the Compose a host has from its facts output', () => {
    assert.equal(parse(fixture('ubuntu2404-socket')), 'v2');
    assert.equal(parse(fixture('debian12')), 'none');
    assert.equal(parse('compose=v1\n'), 'v1');
    assert.equal(parse('compose=none\n'), 'none');
    assert.equal(parse(''), 'none');
  });

  describe('its script', () => {
    // Stand-in commands on an otherwise bare PATH, as each kind of host has them.
    const detect = async (commands: Record<string, string>) => {
      const bin = await mkdtemp(join(tmpdir(), 'bosun-compose-fact-'));
      try {
        for (const [name, script] of Object.entries(commands)) {
          await writeFile(join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
        }
        const { stdout } = await run('/bin/sh', ['-c', composeFact.script], { env: { PATH: bin } });
        return parse(stdout);
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    };

    it('prefers the v2 plugin, falls back to docker-compose, and answers none without either', async () => {
      assert.equal(
        await detect({ docker: '[ "$1 $2" = "compose version" ]', 'docker-compose': 'true' }),
        'v2',
      );
      assert.equal(await detect({ docker: 'exit 1', 'docker-compose': 'true' }), 'v1');
      assert.equal(await detect({ 'docker-compose': 'true' }), 'v1');
      assert.equal(await detect({ docker: 'exit 1' }), 'none');
      assert.equal(await detect({}), 'none');
    });
  });
});
