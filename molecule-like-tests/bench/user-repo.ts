// A user's repository, as the bench runs Bosun: a folder of its own whose playbooks import 'bosun' and
// 'bosun/roles' through node_modules/bosun (a link to this checkout, built to dist/), and the CLI started
// from that package's built bin, as an installed `bosun` runs.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run build`: the package's dist/, which node_modules/bosun exports. */
export function buildDist(): void {
  execFileSync(process.execPath, [
    `${root}node_modules/typescript/bin/tsc`,
    '-p',
    `${root}tsconfig.build.json`,
  ]);
}

/**
 * playbooks/baseline.ts as a user's copy of it: the same file with its imports of this repository's
 * sources turned into imports of the package. Fails when the imports are no longer the ones expected.
 */
async function userBaseline(): Promise<string> {
  const source = await readFile(`${root}playbooks/baseline.ts`, 'utf8');
  const rewritten = source
    .replaceAll("from '../lib/index.js'", "from 'bosun'")
    .replaceAll("from '../roles/index.js'", "from 'bosun/roles'");
  if (/from '\.\.?\//.test(rewritten))
    throw new Error('playbooks/baseline.ts imports more than ../lib/index.js and ../roles/index.js');
  return rewritten;
}

/** The scale part's playbook: five small tasks that change nothing once converged, no packages. */
const scalePlaybook = `import { command, directory, file, playbook, service, task } from 'bosun';

export default playbook({
  name: 'bench: small no-op',
  plays: [
    {
      name: 'small',
      hosts: 'all',
      become: true,
      tasks: ({ host }) => [
        task('message of the day', file({ path: '/etc/motd', content: \`\${host.name} is managed by Bosun.\\n\`, mode: '0644' })),
        task('app folder', directory({ path: '/srv/app', mode: '0755' })),
        task('app config', file({ path: '/srv/app/app.conf', content: 'workers = 2\\n', mode: '0640' })),
        task('sshd running', service({ name: 'ssh', state: 'started', enabled: true })),
        task('marker', command({ run: 'touch /srv/app/.seeded', creates: '/srv/app/.seeded' })),
      ],
    },
  ],
});
`;

export interface UserRepo {
  dir: string;
  /** The installed bin: node_modules/bosun's dist/lib/cli/main.js, run with node. */
  cli: { command: string; args: string[] };
  playbook(name: 'baseline' | 'scale'): string;
  remove(): Promise<void>;
}

export async function createUserRepo(): Promise<UserRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-user-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(root, join(dir, 'node_modules', 'bosun'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'my-servers', type: 'module' }));
  await mkdir(join(dir, 'playbooks'));
  await writeFile(join(dir, 'playbooks', 'baseline.ts'), await userBaseline());
  await writeFile(join(dir, 'playbooks', 'scale.ts'), scalePlaybook);
  return {
    dir,
    cli: { command: process.execPath, args: [join(dir, 'node_modules/bosun/dist/lib/cli/main.js')] },
    playbook: (name) => join(dir, 'playbooks', `${name}.ts`),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
