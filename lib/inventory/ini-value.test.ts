import assert from 'node:assert/strict';
import { parseIniValue } from './ini-value.js';

describe('parseIniValue (Python literal semantics, as Ansible INI)', () => {
  const cases: [string, unknown][] = [
    ['22', 22],
    ['-5', -5],
    ['0.5', 0.5],
    ['1e3', 1000],
    ['1_000', 1000],
    ['0x1F', 31],
    ['0', 0],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'quoted # not a comment'", 'quoted # not a comment'],
    ['"it\\\'s"', "it's"],
    ["['a', 'b', 3]", ['a', 'b', 3]],
    ["('a',)", ['a']],
    ["{'port': 80, 'tls': True}", { port: 80, tls: true }],
    ['100 # a comment after a literal', 100],
    // Not Python literals: kept as the text.
    ['true', 'true'],
    ['yes', 'yes'],
    ['FALSE', 'FALSE'],
    ['0755', '0755'],
    ['hello world', 'hello world'],
    ['hello # no literal, so no comment', 'hello # no literal, so no comment'],
    ['10.0.0.1', '10.0.0.1'],
    ['~/.ssh/id_ed25519', '~/.ssh/id_ed25519'],
    ['Truex', 'Truex'],
    ['[1, 2', '[1, 2'],
    ['', ''],
  ];
  for (const [text, value] of cases) {
    it(`reads ${JSON.stringify(text)} as ${JSON.stringify(value)}`, () => {
      assert.deepEqual(parseIniValue(text), value);
    });
  }
});
