import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskError } from '../errors.js';
import { atomicUploadScript } from './atomic-upload.js';
import { LocalTransport } from './local-transport.js';

/** The upload script really runs, through the local transport, in a temporary folder. */
describe('atomicUploadScript', () => {
  const transport = new LocalTransport('control');
  let dir: string;

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'bosun-upload-test-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const leftovers = async (): Promise<string[]> =>
    (await readdir(dir)).filter((name) => name.startsWith('.bosun-upload'));

  it('writes a new file with mode 0644 unless told otherwise', async () => {
    const target = join(dir, 'new.conf');
    const result = await transport.upload(target, 'hello\n');
    assert.deepEqual(result, { backupPath: undefined });
    assert.equal(await readFile(target, 'utf8'), 'hello\n');
    assert.equal((await stat(target)).mode & 0o7777, 0o644);
    assert.deepEqual(await leftovers(), []);
  });

  it('keeps the mode of the file it replaces, or sets the one given', async () => {
    const target = join(dir, 'secret.conf');
    await writeFile(target, 'old');
    await chmod(target, 0o640);
    await transport.upload(target, 'new');
    assert.equal((await stat(target)).mode & 0o7777, 0o640);
    await transport.upload(target, 'newer', { mode: '0600' });
    assert.equal((await stat(target)).mode & 0o7777, 0o600);
    assert.equal(await readFile(target, 'utf8'), 'newer');
  });

  it('leaves the old file and no temporary file when validate rejects the new one', async () => {
    const target = join(dir, 'sshd_config');
    await writeFile(target, 'Port 22\n');
    await assert.rejects(
      transport.upload(target, 'Port banana\n', { validate: "grep -qE '^Port [0-9]+$' %s" }),
      (error: TaskError) =>
        error instanceof TaskError && error.code === 'UPLOAD_FAILED' && error.message.includes(target),
    );
    assert.equal(await readFile(target, 'utf8'), 'Port 22\n');
    assert.deepEqual(await leftovers(), []);

    await transport.upload(target, 'Port 2222\n', { validate: "grep -qE '^Port [0-9]+$' %s" });
    assert.equal(await readFile(target, 'utf8'), 'Port 2222\n');
  });

  it('backs up the replaced file, mode kept, and returns its path', async () => {
    const target = join(dir, 'app.conf');
    await writeFile(target, 'version 1\n');
    await chmod(target, 0o600);
    const { backupPath } = await transport.upload(target, 'version 2\n', { backup: true });
    assert.ok(backupPath?.startsWith(`${target}.`) && backupPath.endsWith('~'), backupPath);
    if (!backupPath) return;
    assert.equal(await readFile(backupPath, 'utf8'), 'version 1\n');
    assert.equal((await stat(backupPath)).mode & 0o7777, 0o600);
    assert.equal(await readFile(target, 'utf8'), 'version 2\n');
  });

  it('makes no backup when there was no file', async () => {
    const target = join(dir, 'fresh.conf');
    assert.deepEqual(await transport.upload(target, 'x', { backup: true }), { backupPath: undefined });
    assert.deepEqual(await readdir(dir), ['fresh.conf']);
  });

  it('writes binary content and hostile paths exactly', async () => {
    const target = join(dir, "it's $(touch pwned); a file");
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    await transport.upload(target, bytes);
    assert.deepEqual(await readFile(target), bytes);
    assert.deepEqual((await readdir(dir)).sort(), ["it's $(touch pwned); a file"]);
  });

  it('refuses a validate command without %s', () => {
    assert.throws(() => atomicUploadScript('/etc/x', { validate: 'true' }), /must contain %s/);
  });

  it('fails clearly when the folder does not exist', async () => {
    await assert.rejects(transport.upload(join(dir, 'missing', 'x'), 'x'), /cannot write .*missing\/x/);
  });
});
