import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

/**
 * The authoring kit as another repository uses it: a resource, a check, a fact and a role written with
 * `bosun` alone, exactly as Bosun's own roles are, run by the built `bosun` bin on the local machine.
 */
describe('the authoring kit', function () {
  this.timeout(300_000);
  let consumer: string;

  before(async () => {
    await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    consumer = await mkdtemp(join(tmpdir(), 'bosun-author-'));
    await mkdir(join(consumer, 'node_modules'));
    await symlink(root, join(consumer, 'node_modules', 'bosun'));
    await writeFile(join(consumer, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(join(consumer, 'hosts.yml'), 'all:\n  hosts:\n    me: { bosun_connection: local }\n');
  });
  after(async () => {
    if (consumer) await rm(consumer, { recursive: true, force: true });
  });

  it('writes a resource, a check, a fact and a role with `bosun` only, and runs them: converge, then no-op', async () => {
    const marker = join(consumer, 'marker');
    await writeFile(
      join(consumer, 'playbook.mjs'),
      `import { defineFact, defineRole, noChange, playbook, run, sh, task, Type } from 'bosun';
import { directory } from 'bosun/resources';

const kernelName = defineFact({ name: 'kernel name', script: 'uname -s', parse: ({ stdout }) => stdout.trim() });

/** A file holding one text: a script probe, a plan of actions. */
const marker = (path, text) => ({
  kind: 'marker',
  id: path,
  probe: () => ({ script: sh\`cat \${path} 2>/dev/null || true\`.text, parse: ({ stdout }) => stdout }),
  plan: (current) =>
    current === text
      ? noChange()
      : { actions: [run(sh\`printf %s \${text} > \${path}\`, \`writing \${path}\`, 'MARKER_FAILED')], changes: [\`write \${path}\`] },
});

const linuxOnly = {
  kind: 'linux-only',
  id: 'kernel',
  probe: () => ({ script: 'uname -s', parse: ({ stdout }) => stdout.trim() }),
  verify: (kernel) => (kernel === 'Linux' ? { passed: true } : { passed: false, message: \`\${kernel} is not Linux\` }),
};

const mine = defineRole({
  name: 'mine',
  variables: Type.Object({ text: Type.String({ default: 'hi' }) }, { additionalProperties: false }),
  facts: [kernelName],
  tasks: (vars, { fact }) => [
    task('runs on Linux', linuxOnly),
    task('folder', directory({ path: ${JSON.stringify(consumer)} })),
    task('marker', marker(${JSON.stringify(marker)}, \`\${vars.text} from \${fact(kernelName)}\`)),
  ],
});

export default playbook({ name: 'kit', plays: [{ name: 'mine', hosts: 'all', roles: [mine({ text: 'hello' })] }] });
`,
    );
    const bosun = (...args: string[]) =>
      run(
        'node',
        [join(root, 'dist/lib/cli/main.js'), 'run', 'playbook.mjs', '-i', 'hosts.yml', '--json', ...args],
        {
          cwd: consumer,
        },
      );
    const tasks = (stdout: string) =>
      (JSON.parse(stdout) as { tasks: { task: string; status: string }[] }).tasks.map((t) => [
        t.task,
        t.status,
      ]);
    const first = await bosun();
    assert.deepEqual(tasks(first.stdout), [
      ['runs on Linux', 'ok'],
      ['folder', 'ok'],
      ['marker', 'changed'],
    ]);
    assert.equal(await readFile(marker, 'utf8'), 'hello from Linux');
    const again = await bosun();
    assert.deepEqual(tasks(again.stdout), [
      ['runs on Linux', 'ok'],
      ['folder', 'ok'],
      ['marker', 'ok'],
    ]);
  });

  it("keeps Bosun's own roles on the public entry points: a deep import into lib/ is a lint error", async () => {
    const eslint = new ESLint({ cwd: root });
    const lint = async (code: string) =>
      (await eslint.lintText(code, { filePath: join(root, 'roles/example/index.ts') }))[0].messages.map(
        (message) => message.ruleId,
      );
    assert.deepEqual(await lint("export { file } from '../../lib/resources/files/file.js';\n"), [
      'no-restricted-imports',
    ]);
    assert.deepEqual(await lint("export { file } from '../../lib/index.js';\n"), []);
    assert.deepEqual(await lint("export { file } from '../../lib/resources/index.js';\n"), []);
  });
});
