import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { daemonJsonValidate } from './daemon-validate.js';

const run = promisify(execFile);

/**
 * The validate snippet's decisions, with a stand-in `dockerd` on the PATH that answers as the two engine
 * generations do (the real engines are exercised by molecule-like-tests/docker).
 */
describe('daemonJsonValidate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-dockerd-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const withDockerd = async (script: string, config: string) => {
    await writeFile(join(dir, 'dockerd'), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, 'dockerd'), 0o755);
    await writeFile(join(dir, 'daemon.json'), config);
    // As the atomic upload runs it: `set -e`, `%s` replaced by the quoted path of the new file.
    const command = `set -e\ntmp=${join(dir, 'daemon.json')}\n${daemonJsonValidate.replaceAll('%s', '"$tmp"')}`;
    return run('sh', ['-c', command], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } }).then(
      (result) => ({ code: 0, stderr: result.stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  };

  it('uses dockerd --validate where the engine has it (23.0 and later)', async () => {
    const modern = `case "$1" in
  --help) echo '      --validate     Validate daemon configuration and exit' ;;
  --validate) grep -q bad "$3" && { echo "unable to configure the Docker daemon with file $3: bad" >&2; exit 1; }; echo 'configuration OK' ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac`;
    assert.equal((await withDockerd(modern, '{"live-restore": true}')).code, 0);
    const refused = await withDockerd(modern, '{"bad": 1}');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /unable to configure the Docker daemon with file .*daemon\.json: bad/);
  });

  it("without --validate (20.10): accepts a file dockerd loaded up to its pid-file check, refuses dockerd's complaint", async () => {
    const old = `case "$1" in
  --help) echo '      --config-file string   Daemon configuration file' ;;
  --config-file)
    [ "$3" = --pidfile ] && [ "$(cat "$4")" = 1 ] && [ "$5" = -H ] || { echo "unexpected: $*" >&2; exit 9; }
    grep -q no-such "$2" && { echo "unable to configure the Docker daemon with file $2: the following directives don't match any configuration option: no-such"; exit 1; }
    echo 'failed to start daemon: pid file found, ensure docker is not running or delete x'; exit 1 ;;
esac`;
    assert.equal((await withDockerd(old, '{"live-restore": true}')).code, 0);
    const refused = await withDockerd(old, '{"no-such": 1}');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /dockerd refused the new daemon\.json: unable to configure .*: no-such/);
  });

  it('refuses when dockerd is not there to check the file', async () => {
    await rm(join(dir, 'dockerd'));
    const command = `set -e\ntmp=/nonexistent\n${daemonJsonValidate.replaceAll('%s', '"$tmp"')}`;
    await assert.rejects(run('sh', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin` } }));
  });
});
