import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/**
 * The published package as another repository sees it: built to dist/, imported by name through the
 * `exports` map (`bosun`, `bosun/roles`, `bosun/testing`), and the `bosun` bin running from dist.
 */
describe('the bosun package', function () {
  this.timeout(300_000);
  let consumer: string;

  before(async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    consumer = await mkdtemp(join(tmpdir(), 'bosun-consumer-'));
    await mkdir(join(consumer, 'node_modules'));
    await symlink(root, join(consumer, 'node_modules', 'bosun'));
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ type: 'module' }));
  });
  after(async () => {
    if (consumer) await rm(consumer, { recursive: true, force: true });
  });

  it('exports the engine, the roles and the harness by name', async () => {
    await writeFile(
      join(consumer, 'check.js'),
      [
        "import { playbook, task, file, runPlaybook, secret, sh } from 'bosun';",
        "import { hardenSsh, ufw, fail2ban, users, docker, stack } from 'bosun/roles';",
        "import { scenario, ThrowawayHost } from 'bosun/testing';",
        'const applied = hardenSsh({ ports: [52231] });',
        "console.log(JSON.stringify({ role: applied.role.name, fns: [playbook, task, file, runPlaybook, secret, sh, ufw, fail2ban, users, docker, stack, scenario, ThrowawayHost].every((f) => typeof f === 'function'), quoted: sh`echo ${'a; b'}`.text }));",
      ].join('\n'),
    );
    const { stdout } = await run('node', ['check.js'], { cwd: consumer });
    assert.deepEqual(JSON.parse(stdout), { role: 'harden-ssh', fns: true, quoted: "echo 'a; b'" });
  });

  it('runs the bosun bin from dist', async () => {
    const { stdout } = await run('node', [
      join(root, 'dist/lib/cli/main.js'),
      'inventory',
      '-i',
      join(root, 'inventory/prod'),
      '--graph',
    ]);
    assert.match(stdout, /^@all:\n/);
    assert.match(stdout, /\|--@vps:\n {2}\| {2}\|--agents-vps/);
    const version = await run('node', [join(root, 'dist/lib/cli/main.js'), '--version']);
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout, `${manifest.version}\n`);
  });
});
