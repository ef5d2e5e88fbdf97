import assert from 'node:assert/strict';
import { expandHostPattern } from './host-range.js';

describe('expandHostPattern', () => {
  it('keeps a plain name as it is', () => {
    assert.deepEqual(expandHostPattern('web1.example.com'), { names: ['web1.example.com'], port: undefined });
  });

  it('expands a numeric range and keeps zero padding like Ansible', () => {
    assert.deepEqual(expandHostPattern('web[01:03].example.com').names, [
      'web01.example.com',
      'web02.example.com',
      'web03.example.com',
    ]);
    assert.deepEqual(expandHostPattern('web[8:10]').names, ['web8', 'web9', 'web10']);
    assert.deepEqual(expandHostPattern('n[001:003]').names, ['n001', 'n002', 'n003']);
  });

  it('expands letter ranges in Ansible order (a-z then A-Z)', () => {
    assert.deepEqual(expandHostPattern('db-[a:f]').names, ['db-a', 'db-b', 'db-c', 'db-d', 'db-e', 'db-f']);
    assert.deepEqual(expandHostPattern('x[y:B]').names, ['xy', 'xz', 'xA', 'xB']);
  });

  it('supports a step, an empty start and several ranges in one name', () => {
    assert.deepEqual(expandHostPattern('h[1:10:3]').names, ['h1', 'h4', 'h7', 'h10']);
    assert.deepEqual(expandHostPattern('h[:2]').names, ['h0', 'h1', 'h2']);
    assert.deepEqual(expandHostPattern('r[1:2]-n[a:b]').names, ['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
  });

  it('splits a :port suffix, also after a range and for bracketed IPv6', () => {
    assert.deepEqual(expandHostPattern('web1:2222'), { names: ['web1'], port: 2222 });
    assert.deepEqual(expandHostPattern('web[1:2]:22'), { names: ['web1', 'web2'], port: 22 });
    assert.deepEqual(expandHostPattern('[2001:db8::1]:2200'), { names: ['2001:db8::1'], port: 2200 });
    assert.deepEqual(expandHostPattern('2001:db8::1'), { names: ['2001:db8::1'], port: undefined });
  });

  it('explains bad ranges', () => {
    const cases: [string, RegExp][] = [
      ['web[01:5]', /\[01:5\] must give begin and end with the same number of digits/],
      ['web[1:]', /\[1:\] must give an end value/],
      ['web[5:1]', /\[5:1\] must have begin <= end/],
      ['web[f:a]', /\[f:a\] must have begin <= end/],
      ['web[a:3]', /\[a:3\] must use numbers \(\[01:20\]\) or single letters \(\[a:f\]\)/],
      ['web[1]', /\[1\] must be \[begin:end\] or \[begin:end:step\]/],
      ['web[1:3:0]', /\[1:3:0\] needs a step of 1 or more/],
      ['web[1:3', /a host range has no closing '\]'/],
    ];
    for (const [entry, reason] of cases) assert.throws(() => expandHostPattern(entry), reason, entry);
  });
});
