import assert from 'node:assert/strict';
import {
  jsonFile,
  decideJsonFile,
  planJsonFile,
  type JsonFileDesired,
  type JsonFileState,
} from './json-file.js';
import type { PathStat } from './path-attributes.js';
import { run, upload } from '../actions.js';
import type { Probe } from '../resource.js';
import { assertFails, output, probeContext, regularFile } from './fixtures/probes.js';

const path = '/etc/docker/daemon.json';
const stat = (overrides: Partial<PathStat> = {}) => regularFile(10, overrides);
const existing = (text: string, overrides: Partial<JsonFileState> = {}): JsonFileState => ({
  stat: stat(),
  parentExists: true,
  ownerMissing: false,
  groupMissing: false,
  text,
  ...overrides,
});
const absent: JsonFileState = { parentExists: true, ownerMissing: false, groupMissing: false };
const daemon = {
  'log-driver': 'json-file',
  'log-opts': { 'max-size': '10m', 'max-file': '3' },
  'live-restore': true,
};
const want = (overrides: Partial<JsonFileDesired> = {}): JsonFileDesired => ({
  path,
  content: daemon,
  exclusive: false,
  indent: 2,
  ...overrides,
});
const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('planJsonFile', () => {
  it('creates a missing file, pretty-printed, with a diff from nothing', () => {
    const actions = decideJsonFile(absent, want({ mode: '0644' }));
    assert.deepEqual(actions.lines, [`create ${path} (mode 0644)`]);
    assert.equal(actions.write, pretty(daemon));
    assert.equal(
      actions.diff,
      [
        `--- before: ${path}`,
        `+++ after: ${path}`,
        '@@ -0,0 +1,8 @@',
        '+{',
        '+  "log-driver": "json-file",',
        '+  "log-opts": {',
        '+    "max-size": "10m",',
        '+    "max-file": "3"',
        '+  },',
        '+  "live-restore": true',
        '+}',
        '',
      ].join('\n'),
    );
  });

  it('merges into a minified file: keeps its other keys, one line per change, a readable key-by-key diff', () => {
    const current = existing('{"debug":true,"log-opts":{"max-size":"50m"},"live-restore":false}');
    const actions = decideJsonFile(current, want());
    assert.deepEqual(actions.lines, [
      'log-opts.max-size: "50m" → "10m"',
      'add log-opts.max-file: "3"',
      'live-restore: false → true',
      'add log-driver: "json-file"',
    ]);
    const merged = {
      debug: true,
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      'live-restore': true,
      'log-driver': 'json-file',
    };
    assert.equal(actions.write, pretty(merged));
    assert.equal(
      actions.diff,
      [
        `--- before: ${path}`,
        `+++ after: ${path}`,
        '@@ -1,7 +1,9 @@',
        ' {',
        '   "debug": true,',
        '   "log-opts": {',
        '-    "max-size": "50m"',
        '+    "max-size": "10m",',
        '+    "max-file": "3"',
        '   },',
        '-  "live-restore": false',
        '+  "live-restore": true,',
        '+  "log-driver": "json-file"',
        ' }',
        '',
      ].join('\n'),
    );
  });

  it('leaves a file alone that differs only in formatting and key order', () => {
    const text =
      '{ "live-restore": true,\n"log-opts": {"max-file": "3", "max-size": "10m"}, "log-driver": "json-file", "debug": false }';
    assert.deepEqual(planJsonFile(existing(text), want()), { actions: [], changes: [] });
  });

  it('removes the other keys with exclusive', () => {
    const current = existing(
      pretty({ ...daemon, debug: true, 'log-opts': { ...daemon['log-opts'], compress: 'true' } }),
    );
    assert.deepEqual(planJsonFile(current, want({ exclusive: true })).changes, [
      'remove log-opts.compress',
      'remove debug',
    ]);
  });

  it('treats an empty file as an empty object', () => {
    assert.deepEqual(planJsonFile(existing('\n'), want()).changes, [
      'add log-driver: "json-file"',
      'add log-opts: {"max-size":"10m","max-file":"3"}',
      'add live-restore: true',
    ]);
  });

  it('refuses to merge into a file that is not a JSON object, and replaces it with exclusive', () => {
    assert.throws(
      () => planJsonFile(existing('{"debug": true,}'), want()),
      (error: Error & { code?: string }) =>
        error.code === 'JSON_FILE_INVALID' &&
        error.message.startsWith(`${path} is not a JSON object (invalid JSON: `) &&
        error.message.endsWith('fix or remove the file, or set exclusive to replace it.'),
    );
    assert.throws(() => planJsonFile(existing('[1, 2]'), want()), /\(it holds an array\)/);
    const replaced = decideJsonFile(existing('{"debug": true,}'), want({ exclusive: true }));
    assert.deepEqual(replaced.lines, ['content (not a JSON object now: replaced)']);
    assert.match(replaced.diff ?? '', /^-\{"debug": true,\}$/m);
    assert.equal(replaced.write, pretty(daemon));
  });

  it('changes the mode alone without rewriting', () => {
    const current = existing(pretty(daemon), { stat: stat({ mode: '0600' }) });
    const actions = decideJsonFile(current, want({ mode: '0644' }));
    assert.deepEqual(actions, { lines: ['mode 0600 → 0644'] });
    assert.deepEqual(planJsonFile(current, want({ mode: '0644' })).actions, [
      run(`chmod 0644 -- ${path}`, `setting mode/owner of ${path}`, 'FILE_FAILED'),
    ]);
  });

  it('writes the merged file, validated, with its attributes', () => {
    const current = existing('{"debug":true}');
    const desired = want({ owner: 'root', validate: 'dockerd --validate --config-file %s' });
    assert.deepEqual(planJsonFile(current, desired).actions, [
      upload(path, pretty({ debug: true, ...daemon }), {
        owner: 'root',
        validate: 'dockerd --validate --config-file %s',
      }),
    ]);
    assert.deepEqual(planJsonFile(absent, want({ mode: '0644' })).actions, [
      upload(path, pretty(daemon), { mode: '0644' }),
    ]);
  });

  it('waits for an earlier task when the folder or the owner does not exist yet', () => {
    assert.equal(
      planJsonFile({ ...absent, parentExists: false }, want()).needsEarlierChanges,
      'directory /etc/docker does not exist yet',
    );
    assert.equal(
      planJsonFile({ ...absent, ownerMissing: true }, want({ owner: 'app' })).needsEarlierChanges,
      'user app does not exist yet',
    );
  });

  it('refuses to replace a directory', () => {
    assert.throws(
      () =>
        planJsonFile(existing('', { stat: stat({ type: 'directory', description: 'directory' }) }), want()),
      /is a directory, not a regular file/,
    );
  });
});

describe('jsonFile options', () => {
  it('drops undefined members, as JSON does, so an unset optional setting is not written', () => {
    const resource = jsonFile({ path, content: { 'live-restore': true, 'userland-proxy': undefined } });
    assert.deepEqual(resource.plan(absent).changes, [`create ${path}`]);
    assert.doesNotMatch(resource.plan(absent).diff ?? '', /userland-proxy/);
  });

  it('refuses content that is not an object, a validate without %s and a bad indent', () => {
    assert.throws(() => jsonFile({ path, content: [] as never }), /content must be an object/);
    assert.throws(() => jsonFile({ path, content: {}, validate: 'dockerd --validate' }), /must contain %s/);
    assert.throws(() => jsonFile({ path, content: {}, indent: 2.5 }), /indent must be a whole number/);
    assert.throws(() => jsonFile({ path: 'daemon.json', content: {} }), /must be an absolute path/);
  });
});

describe('jsonFile probe', () => {
  const probe = jsonFile({ path, content: daemon }).probe(probeContext()) as Probe<JsonFileState>;
  const stats = 'type=regular file\nmode=644\nowner=root\nuid=0\ngroup=root\ngid=0\nsize=10\n';

  it('reads the text to merge into, with or without --diff', () => {
    assert.deepEqual(probe.parse(output(`${stats}text=eyJkZWJ1ZyI6dHJ1ZX0=\n`)), {
      stat: stat(),
      parentExists: true,
      ownerMissing: false,
      groupMissing: false,
      text: '{"debug":true}',
    });
    const missing = probe.parse(output('parent_missing=1\n'));
    assert.deepEqual([missing.stat, missing.parentExists, missing.text], [undefined, false, undefined]);
  });

  it('fails on a file too large or unreadable', () => {
    assertFails(
      () => probe.parse(output(`${stats}too_large=1\n`)),
      'JSON_FILE_TOO_LARGE',
      `web-1: ${path} is larger than 1 MiB; jsonFile manages configuration files only.`,
    );
    assertFails(
      () => probe.parse(output(`${stats}text=\nunreadable=1\n\n`)),
      'FILE_UNREADABLE',
      `web-1: cannot read ${path} to merge into it; run the task with become.`,
    );
  });
});
