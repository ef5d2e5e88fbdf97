import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bosunCommand, runBosun, type BosunProcessResult } from '../testing/run-bosun.js';

/**
 * Preloaded into the CLI's process: records the URL of every script V8 compiles (ES modules and CommonJS
 * files alike, whichever loader hooks are registered) and writes the list when the process exits.
 */
const RECORDER = `
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
const session = new Session();
session.connect();
const urls = new Set();
session.on('Debugger.scriptParsed', ({ params }) => urls.add(params.url));
session.post('Debugger.enable');
process.on('exit', () => writeFileSync(process.env.BOSUN_LOADED_MODULES, [...urls].join('\\n')));
`;

/** The packages that make a start slow; a command that does not use one must not load it. */
const HEAVY = ['ssh2', 'listr2', 'testcontainers', 'nunjucks', 'ajv', 'mocha'];
const lib = new URL('../', import.meta.url).href;

/** The CLI (from its sources) loads each command's modules only when that command runs. */
describe('CLI lazy loading', function () {
  this.timeout(120_000);
  let dir: string;
  let runs = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-lazy-'));
    await writeFile(join(dir, 'recorder.mjs'), RECORDER);
    await writeFile(join(dir, 'known_hosts'), '');
    // Nothing listens on port 1: the run connects (so it loads the transport) and the host is unreachable.
    await writeFile(
      join(dir, 'hosts.yml'),
      'all:\n  hosts:\n    ghost: { bosun_host: 127.0.0.1, bosun_port: 1, bosun_user: root }\n',
    );
    // A playbook as users write them: built with the authoring kit, which re-exports the reporters.
    await writeFile(
      join(dir, 'playbook.ts'),
      `import { playbook } from '${new URL('index.ts', lib).href}';\n` +
        `const name: string = 'lazy';\n` +
        `export default playbook({ name, plays: [{ name: 'nothing', hosts: 'all', tasks: () => [] }] });\n`,
    );
    await writeFile(
      join(dir, 'playbook.mjs'),
      `export default { name: 'plain', plays: [{ name: 'nothing', hosts: 'all', tasks: () => [] }] };\n`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `bosun ARGS` with piped (non-terminal) output and returns what it loaded. */
  const bosun = async (args: string[]): Promise<BosunProcessResult & { modules: string[] }> => {
    const list = join(dir, `modules-${++runs}.txt`);
    const { command, args: prefix } = bosunCommand();
    const recorder = pathToFileURL(join(dir, 'recorder.mjs')).href;
    const result = await runBosun(args, {
      cli: { command, args: ['--import', recorder, ...prefix] },
      env: { BOSUN_LOADED_MODULES: list },
    });
    return { ...result, modules: (await readFile(list, 'utf8')).split('\n') };
  };
  const packages = (modules: string[], names: string[]) =>
    names.filter((name) => modules.some((url) => url.includes(`/node_modules/${name}/`)));
  const bosunModules = (modules: string[]) =>
    modules.filter((url) => url.startsWith(lib)).map((url) => url.slice(lib.length));
  const run = (playbook: string) =>
    bosun([
      'run',
      join(dir, playbook),
      '-i',
      join(dir, 'hosts.yml'),
      '--known-hosts-file',
      join(dir, 'known_hosts'),
      '--timeout',
      '5',
    ]);

  it('--version loads neither commander nor any command', async () => {
    const result = await bosun(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\d+\.\d+\.\d+/);
    assert.deepEqual(packages(result.modules, ['commander', 'yaml', ...HEAVY]), []);
    assert.deepEqual(bosunModules(result.modules).sort(), [
      'cli/main.ts',
      'cli/package-version.ts',
      'errors.ts',
    ]);
  });

  for (const args of [['--help'], ['run', '--help']]) {
    it(`${args.join(' ')} loads the command definitions only`, async () => {
      const result = await bosun(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: bosun/);
      assert.deepEqual(packages(result.modules, HEAVY), []);
      assert.deepEqual(
        bosunModules(result.modules).filter((path) => !path.startsWith('cli/') && path !== 'errors.ts'),
        [],
      );
    });
  }

  it('run with output to a pipe loads neither the progress view, the test harness nor the template engine', async () => {
    const result = await run('playbook.ts');
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(result.stdout, /ghost .*unreachable=1/);
    assert.deepEqual(packages(result.modules, ['ssh2', 'tsx']), ['ssh2', 'tsx'], 'what the run uses is seen');
    assert.deepEqual(packages(result.modules, ['listr2', 'testcontainers', 'mocha', 'nunjucks']), []);
    assert.deepEqual(
      bosunModules(result.modules).filter((path) => path.startsWith('testing/')),
      [],
    );
  });

  it('run imports the TypeScript loader for a .ts playbook only', async () => {
    const typescript = await run('playbook.ts');
    const javascript = await run('playbook.mjs');
    assert.equal(javascript.code, 3, javascript.stdout + javascript.stderr);
    // The CLI itself runs from its sources through tsx here; the loader `bosun run` registers is tsx's API.
    const api = (modules: string[]) => modules.some((url) => url.includes('/node_modules/tsx/dist/esm/api/'));
    assert.equal(api(typescript.modules), true);
    assert.equal(api(javascript.modules), false);
  });
});
