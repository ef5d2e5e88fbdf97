import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OptionsError, ParseError } from '../errors.js';
import { Redactor } from './redactor.js';
import { SecretStore } from './secret-store.js';

describe('SecretStore', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bosun-secrets-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const envFile = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  function assertMissing(fn: () => unknown, names: string[], hidden: string[] = []) {
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof OptionsError);
      assert.equal(error.code, 'SECRET_MISSING');
      assert.equal(error.exitCode, 5);
      for (const name of names) assert.ok(error.message.includes(name), error.message);
      assert.match(error.message, /export \w+=\.\.\./);
      assert.match(error.message, /--env-file/);
      for (const value of hidden) assert.ok(!error.message.includes(value), error.message);
      return true;
    });
  }

  it('resolves from the process environment and registers the value for redaction', () => {
    const redactor = new Redactor();
    const store = new SecretStore({ env: { DB_PASSWORD: 'from-env-pw' }, redactor });
    assert.equal(redactor.redact('from-env-pw'), 'from-env-pw');
    assert.equal(store.secret('DB_PASSWORD'), 'from-env-pw');
    assert.equal(redactor.redact('pw is from-env-pw'), 'pw is ***');
  });

  it('resolves from an env file; the process environment overrides it; later files override earlier', () => {
    const redactor = new Redactor();
    const store = new SecretStore({ env: { A: 'env-a', EMPTY_IN_ENV: '' }, redactor });
    const first = envFile('first.env', 'A=file-a\nB=file-b\nEMPTY_IN_ENV=file-e\n');
    const second = envFile('second.env', 'export B=file-b2\n');
    assert.deepEqual(store.loadEnvFile(first), ['A', 'B', 'EMPTY_IN_ENV']);
    store.loadEnvFile(second);
    assert.equal(store.secret('A'), 'env-a');
    assert.equal(store.secret('B'), 'file-b2');
    assert.equal(store.secret('EMPTY_IN_ENV'), 'file-e');
    assert.equal(redactor.redact('file-b file-b2'), 'file-b ***', 'only used values are registered');
  });

  it('throws SECRET_MISSING naming the secret and how to provide it', () => {
    const store = new SecretStore({ env: {}, redactor: new Redactor() });
    assertMissing(() => store.secret('DB_PASSWORD'), ['DB_PASSWORD']);
    assert.equal(store.has('DB_PASSWORD'), false);
  });

  it('treats an empty value as missing', () => {
    const store = new SecretStore({ env: { TOKEN: '' }, redactor: new Redactor() });
    store.loadEnvFile(envFile('empty.env', 'TOKEN=\n'));
    assertMissing(() => store.secret('TOKEN'), ['TOKEN', 'empty.env']);
  });

  it('requireSecrets reports every missing name at once and never a value', () => {
    const store = new SecretStore({ env: { PRESENT: 'present-value-1' }, redactor: new Redactor() });
    store.loadEnvFile(envFile('some.env', 'ALSO_PRESENT=present-value-2\n'));
    assertMissing(
      () => store.requireSecrets(['PRESENT', 'MISSING_ONE', 'ALSO_PRESENT', 'MISSING_TWO', 'MISSING_ONE']),
      ['MISSING_ONE, MISSING_TWO'],
      ['present-value-1', 'present-value-2', 'PRESENT,', 'ALSO_PRESENT'],
    );
    assert.doesNotThrow(() => store.requireSecrets(['PRESENT', 'ALSO_PRESENT']));
  });

  it('rejects an invalid secret name', () => {
    const store = new SecretStore({ env: {}, redactor: new Redactor() });
    assert.throws(() => store.secret('db-password'), { code: 'SECRET_NAME_INVALID' });
  });

  it('fails on an unreadable env file with ENV_FILE_UNREADABLE', () => {
    const store = new SecretStore({ env: {}, redactor: new Redactor() });
    const path = join(dir, 'absent.env');
    assert.throws(
      () => store.loadEnvFile(path),
      (error: unknown) =>
        error instanceof OptionsError &&
        error.code === 'ENV_FILE_UNREADABLE' &&
        error.message.includes(path) &&
        error.message.includes('ENOENT'),
    );
  });

  it('reports a syntax error with the file path and line', () => {
    const store = new SecretStore({ env: {}, redactor: new Redactor() });
    const path = envFile('bad.env', 'A=1\nB="open\n');
    assert.throws(
      () => store.loadEnvFile(path),
      (error: unknown) => error instanceof ParseError && error.message.startsWith(`${path}:2: `),
    );
  });
});
