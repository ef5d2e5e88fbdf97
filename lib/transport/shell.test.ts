import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { raw, sh } from './shell.js';

describe('sh', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-sh-test-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  const values = [
    '',
    'plain-value_1.2/x:y@z',
    'two words',
    "it's",
    "a'; touch CANARY #",
    '$(touch CANARY)',
    '`touch CANARY`',
    '"; touch CANARY; "',
    'line1\ntouch CANARY',
    '\\\'\\"',
    '* ? [a] ~ $HOME !x',
    'ünïcødé ✓',
  ];

  // dash is Debian's /bin/sh (what `sudo sh -c` and the local transport run); bash is root's login shell.
  for (const shell of ['/bin/sh', '/bin/bash']) {
    it(`quotes every value as one literal argument for ${shell}`, () => {
      const canary = join(dir, 'canary');
      for (const template of values) {
        const value = template.replaceAll('CANARY', canary);
        const command = sh`printf '%s|' ${value} ${[value, 'b']}`;
        const output = execFileSync(shell, ['-c', command.text], { encoding: 'utf8', cwd: dir });
        assert.equal(output, `${value}|${value}|b|`, command.text);
        assert.equal(existsSync(canary), false, `${command.text} ran a command`);
      }
    });
  }

  it('inserts raw() and other sh results as they are', () => {
    const inner = sh`echo ${'a b'}`;
    assert.equal(sh`${inner} | ${raw('wc -c')}`.text, "echo 'a b' | wc -c");
  });

  it('refuses undefined and null rather than printing them', () => {
    assert.throws(() => sh`echo ${undefined}`, /undefined/);
    assert.throws(() => sh`echo ${null}`, /undefined/);
  });
});
