import assert from 'node:assert/strict';
import { jsonChanges, jsonEqual, mergeJson } from './json-file-merge.js';

describe('mergeJson', () => {
  it('sets the wanted keys, merges nested objects key by key and keeps the rest, in their order', () => {
    const base = { debug: true, 'log-opts': { compress: 'true', 'max-size': '20m' }, dns: ['1.1.1.1'] };
    const merged = mergeJson(base, {
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      'live-restore': true,
    });
    assert.deepEqual(merged, {
      debug: true,
      'log-opts': { compress: 'true', 'max-size': '10m', 'max-file': '3' },
      dns: ['1.1.1.1'],
      'live-restore': true,
    });
    assert.deepEqual(Object.keys(merged), ['debug', 'log-opts', 'dns', 'live-restore']);
    assert.deepEqual(base['log-opts'], { compress: 'true', 'max-size': '20m' }, 'the input is not changed');
  });

  it('replaces arrays and values of another type as a whole', () => {
    assert.deepEqual(
      mergeJson({ dns: ['1.1.1.1', '8.8.8.8'], x: { a: 1 } }, { dns: ['9.9.9.9'], x: 'flat' }),
      {
        dns: ['9.9.9.9'],
        x: 'flat',
      },
    );
  });
});

describe('jsonEqual', () => {
  it("ignores the order of an object's keys but not of an array's items", () => {
    assert.equal(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), true);
    assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: null }), false);
    assert.equal(jsonEqual({ a: '1' }, { a: 1 }), false);
    assert.equal(jsonEqual([], {}), false);
  });
});

describe('jsonChanges', () => {
  it('names each differing key by its dotted path', () => {
    const before = { 'live-restore': false, 'log-opts': { 'max-size': '20m' }, debug: true };
    const after = {
      'live-restore': true,
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      dns: ['1.1.1.1'],
    };
    assert.deepEqual(jsonChanges(before, after), [
      'live-restore: false → true',
      'log-opts.max-size: "20m" → "10m"',
      'add log-opts.max-file: "3"',
      'add dns: ["1.1.1.1"]',
      'remove debug',
    ]);
  });

  it('shortens long values', () => {
    const [line] = jsonChanges({}, { pools: Array.from({ length: 9 }, (_, i) => `10.${i}.0.0/16`) });
    assert.equal(line, 'add pools: ["10.0.0.0/16","10.1.0.0/16","10.2.0.0/16","10.3.0.0/16","1…');
    assert.equal(line.length, 'add pools: '.length + 60);
  });
});
