import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { PathStat } from './path-attributes.js';
import { upload } from '../actions.js';
import type { Probe } from '../resource.js';
import { assertFails, output, probeContext } from './fixtures/probes.js';
import {
  desiredEnvFile,
  planSecretEnvFile,
  secretEnvFile,
  type SecretEnvFileState,
} from './secret-env-file.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const stat: PathStat = {
  type: 'file',
  description: 'regular file',
  mode: '0600',
  owner: 'root',
  uid: '0',
  group: 'root',
  gid: '0',
  size: 80,
};
const base = { parentExists: true, ownerMissing: false, groupMissing: false };
const want = desiredEnvFile({
  path: '/opt/app/.env',
  values: { DB_PASSWORD: 's3cr3t $x "y" #z', API_TOKEN: 'tok-123' },
});

describe('desiredEnvFile', () => {
  it('writes single-quoted values under a header, mode 0600 by default', () => {
    assert.equal(
      want.content.toString(),
      "# Managed by Bosun: secrets. Never commit this file; edits here are overwritten.\nDB_PASSWORD='s3cr3t $x \"y\" #z'\nAPI_TOKEN='tok-123'\n",
    );
    assert.equal(want.mode, '0600');
    assert.deepEqual(want.lines, {
      DB_PASSWORD: sha(`DB_PASSWORD='s3cr3t $x "y" #z'`),
      API_TOKEN: sha("API_TOKEN='tok-123'"),
    });
  });

  it('refuses values Compose v1 and v2 would read differently, without printing them', () => {
    for (const value of ["it's", 'back\\slash', 'two\nlines']) {
      assert.throws(
        () => desiredEnvFile({ path: '/opt/app/.env', values: { PW: value } }),
        (error: Error) =>
          /the value of PW holds a single quote/.test(error.message) && !error.message.includes(value),
      );
    }
    assert.throws(
      () => desiredEnvFile({ path: '/opt/app/.env', values: { 'BAD-NAME': 'x' } }),
      /not a variable name/,
    );
  });
});

describe('planSecretEnvFile', () => {
  it('creates a missing file naming its variables, with a diff that masks every value', () => {
    const plan = planSecretEnvFile(base, want);
    assert.deepEqual(plan.changes, ['create /opt/app/.env (mode 0600): DB_PASSWORD, API_TOKEN']);
    assert.deepEqual(plan.actions, [upload('/opt/app/.env', want.content, { mode: '0600' })]);
    assert.match(plan.diff ?? '', /\+DB_PASSWORD=\*\*\*\n\+API_TOKEN=\*\*\*\n/);
    assert.ok(!plan.diff?.includes('s3cr3t') && !plan.diff?.includes('tok-123'));
  });

  it('changes nothing when the file hash matches', () => {
    const current: SecretEnvFileState = { ...base, stat, sha256: sha(want.content.toString()) };
    assert.deepEqual(planSecretEnvFile(current, want), { actions: [], changes: [] });
  });

  it('names rotated, added and removed variables from line hashes; the old value is never known', () => {
    const current: SecretEnvFileState = {
      ...base,
      stat: { ...stat, mode: '0644' },
      sha256: sha('old'),
      lines: { DB_PASSWORD: sha("DB_PASSWORD='old-password'"), OLD_KEY: sha("OLD_KEY='x'") },
    };
    const plan = planSecretEnvFile(current, want);
    assert.deepEqual(plan.changes, [
      'DB_PASSWORD: new value',
      'add API_TOKEN',
      'remove OLD_KEY',
      'mode 0644 → 0600',
    ]);
    assert.deepEqual(plan.actions, [upload('/opt/app/.env', want.content, { mode: '0600' })]);
    assert.equal(
      plan.diff,
      [
        '--- before: /opt/app/.env',
        '+++ after: /opt/app/.env',
        '@@ -1,2 +1,2 @@',
        '-DB_PASSWORD=***',
        '-OLD_KEY=***',
        '+DB_PASSWORD=*** (new value)',
        '+API_TOKEN=***',
        '',
      ].join('\n'),
    );
  });

  it('reports a reformatted file whose variables all match', () => {
    const current: SecretEnvFileState = { ...base, stat, sha256: sha('other'), lines: { ...want.lines } };
    assert.deepEqual(planSecretEnvFile(current, want).changes, ['reorder or reformat']);
  });

  it('waits for the directory an earlier task creates', () => {
    assert.equal(
      planSecretEnvFile({ ...base, parentExists: false }, want).needsEarlierChanges,
      'directory /opt/app does not exist yet',
    );
  });
});

describe('secretEnvFile probe', () => {
  const probe = secretEnvFile({
    path: '/opt/app/.env',
    values: { DB_PASSWORD: 's3cr3t $x "y" #z', API_TOKEN: 'tok-123' },
    owner: 'app',
  }).probe(probeContext(true)) as Probe<SecretEnvFileState>;
  const stats = 'type=regular file\nmode=600\nowner=root\nuid=0\ngroup=root\ngid=0\nsize=80\n';

  it('sends hashes only, even with --diff: never a value', () => {
    assert.doesNotMatch(probe.script, /base64|cat /);
    assert.ok(!probe.script.includes('s3cr3t') && !probe.script.includes('tok-123'));
  });

  it('reads the hash of each line when the file differs', () => {
    const stdout = `${stats}sha256=${sha('old')}\nline.DB_PASSWORD=${sha('x')}\nline.OLD=${sha('y')}\n`;
    assert.deepEqual(probe.parse(output(stdout)), {
      ...base,
      stat,
      sha256: sha('old'),
      lines: { DB_PASSWORD: sha('x'), OLD: sha('y') },
    });
  });

  it('reads a missing file whose owner an earlier task creates', () => {
    assert.deepEqual(probe.parse(output('owner_missing=1\n')), {
      ...base,
      stat: undefined,
      ownerMissing: true,
      sha256: undefined,
    });
  });

  it('fails on a file it may not read', () => {
    assertFails(
      () => probe.parse(output(`${stats}unreadable=1\n`)),
      'FILE_UNREADABLE',
      'web-1: cannot read /opt/app/.env to compare it; run the task with become.',
    );
  });
});
