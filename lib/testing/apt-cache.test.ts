import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AptCacheLease } from './apt-cache.js';

describe('apt cache lease', () => {
  let shared: string;
  beforeEach(async () => {
    shared = await mkdtemp(join(tmpdir(), 'bosun-apt-cache-test-'));
  });
  afterEach(() => rm(shared, { recursive: true, force: true }));

  it('gives each host its own folder, linked to the shared packages, with a partial/ apt can use', async () => {
    await writeFile(join(shared, 'cron_1_amd64.deb'), 'cron');
    await writeFile(join(shared, 'lock'), '');
    const [a, b] = await Promise.all([AptCacheLease.open(shared), AptCacheLease.open(shared)]);
    assert.notEqual(a.dir, b.dir);
    assert.deepEqual((await readdir(a.dir)).sort(), ['cron_1_amd64.deb', 'partial']);
    assert.equal(
      (await stat(join(a.dir, 'cron_1_amd64.deb'))).ino,
      (await stat(join(shared, 'cron_1_amd64.deb'))).ino,
    );
    assert.equal((await stat(a.dir)).mode & 0o777, 0o755);
    await Promise.all([a.close(), b.close()]);
  });

  it('adds the packages a host downloaded to the shared set when it closes, and removes its folder', async () => {
    await writeFile(join(shared, 'old_1_all.deb'), 'old');
    const lease = await AptCacheLease.open(shared);
    await writeFile(join(lease.dir, 'nginx_1_all.deb'), 'nginx');
    await writeFile(join(lease.dir, 'partial', 'half_1_all.deb'), 'hal');
    await writeFile(join(lease.dir, 'old_1_all.deb.tmp'), 'not a package');
    await lease.close();
    assert.equal(await readFile(join(shared, 'nginx_1_all.deb'), 'utf8'), 'nginx');
    assert.deepEqual((await readdir(shared)).sort(), ['hosts', 'nginx_1_all.deb', 'old_1_all.deb']);
    assert.deepEqual(await readdir(join(shared, 'hosts')), []);
  });
});
