import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareStack, stackDirectory } from './prepare-stack.js';
import type { StackVariables } from './variables.js';

const dir = mkdtempSync(join(tmpdir(), 'bosun-stack-unit-'));
const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const vars = (overrides: Partial<StackVariables>): StackVariables => ({
  name: 'app',
  state: 'present',
  directoryMode: '0750',
  files: [],
  envSecrets: {},
  images: [],
  pull: true,
  healthTimeout: 180,
  reserveMemoryMb: 1024,
  reserveCpus: 0.5,
  requireLimits: false,
  overcommitCpu: false,
  exposure: 'warn',
  removeVolumes: false,
  ...overrides,
});
const compose = { services: { db: { image: 'db:1', env_file: ['.env'] }, web: { image: 'web:1' } } };

describe('prepareStack', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a YAML Compose file and renders templated files beside it', () => {
    const composeFile = write('compose.yml', 'services:\n  web:\n    image: web:1\n    ports: ["22:22"]\n');
    const template = write('site.conf.j2', 'listen {{ port }};\n');
    const prepared = prepareStack(
      vars({ composeFile, files: [{ path: 'nginx//site.conf', template, vars: { port: 8080 } }] }),
    );
    assert.deepEqual(prepared.compose.services.web.ports, ['22:22']);
    assert.deepEqual(
      prepared.files.map((file) => [file.relative, file.path, file.content.toString()]),
      [['nginx/site.conf', '/opt/app/nginx/site.conf', 'listen 8080;\n']],
    );
    assert.match(prepared.rendered.text, /image: web:1/);
  });

  it('names every problem of a YAML file that is not a deployable Compose file', () => {
    const composeFile = write('bad.yml', 'services:\n  web:\n    build: .\n    ports: "80:80"\n');
    assert.throws(
      () => prepareStack(vars({ composeFile })),
      (error: Error) =>
        /bad\.yml is not a Compose file Bosun can deploy/.test(error.message) &&
        /services\.web must have required property 'image'/.test(error.message) &&
        /services\.web\.ports must be array/.test(error.message),
    );
  });

  it('wants exactly one of compose and composeFile, and keeps the role its own file names', () => {
    assert.throws(() => prepareStack(vars({})), /give either compose .* or composeFile/);
    assert.throws(
      () => prepareStack(vars({ compose, composeFile: '/x.yml' })),
      /give either compose .* or composeFile/,
    );
    assert.throws(
      () => prepareStack(vars({ compose, files: [{ path: '.env', content: 'x' }] })),
      /\.env is written by the role itself/,
    );
    assert.throws(
      () => prepareStack(vars({ compose, files: [{ path: 'a.conf' }] })),
      /file 'a\.conf' needs either content or template/,
    );
  });

  it('resolves env secrets by name; a rotated value changes the hash of the services reading .env only', () => {
    process.env.STACK_UNIT_DB_PASSWORD = 'first-value';
    const first = prepareStack(
      vars({ compose, envSecrets: { POSTGRES_PASSWORD: 'STACK_UNIT_DB_PASSWORD' } }),
    );
    assert.deepEqual(first.env, { POSTGRES_PASSWORD: 'first-value' });
    assert.ok(!first.rendered.text.includes('first-value'), 'the Compose file holds no secret');
    process.env.STACK_UNIT_DB_PASSWORD = 'second-value';
    const second = prepareStack(
      vars({ compose, envSecrets: { POSTGRES_PASSWORD: 'STACK_UNIT_DB_PASSWORD' } }),
    );
    assert.notEqual(second.rendered.hashes.db, first.rendered.hashes.db);
    assert.equal(second.rendered.hashes.web, first.rendered.hashes.web);
    delete process.env.STACK_UNIT_DB_PASSWORD;
    assert.throws(
      () => prepareStack(vars({ compose, envSecrets: { POSTGRES_PASSWORD: 'STACK_UNIT_DB_PASSWORD' } })),
      /Secret STACK_UNIT_DB_PASSWORD is not set/,
    );
  });

  it('puts the stack in /opt/NAME unless told otherwise', () => {
    assert.equal(stackDirectory(vars({})), '/opt/app');
    assert.equal(stackDirectory(vars({ directory: '/srv/app/' })), '/srv/app');
  });
});
