import {
  composeFact,
  composeProject,
  defineRole,
  directory,
  dockerImages,
  file,
  secretEnvFile,
  task,
  type ComposeFlavour,
  type Task,
} from '../../lib/index.js';
import { budgetGuard } from './budget-guard.js';
import { exposureGuard } from './exposure-guard.js';
import { lazyResource } from './lazy-resource.js';
import {
  composeFileName,
  envFileName,
  extraFilePaths,
  prepareStack,
  stackDirectory,
  type PreparedStack,
} from './prepare-stack.js';
import { stackVariables } from './variables.js';

export { stackVariables, type StackVariables } from './variables.js';
export type { ComposeFile, ComposeService } from './compose-schema.js';
export { computeBudget, formatBudgetTable, type BudgetReport } from './budget.js';

// With the host's Compose; %s is the new file, beside the old one so relative paths resolve.
const validateCompose = (compose: ComposeFlavour) =>
  compose === 'v1' ? 'docker-compose -f %s config -q' : 'docker compose -f %s config -q';

/**
 * A Docker Compose stack in /opt/NAME: its resource budget and exposed ports checked before any change,
 * its files (Compose file, configuration files, a 0600 `.env` of secrets) written atomically, images shipped
 * from the control machine, then `compose up` and a wait for healthy services. A run changes something only
 * when a file or an image did, and recreates only the services it affects. See docs/roles/stack.md.
 */
export const stack = defineRole({
  name: 'stack',
  variables: stackVariables,
  facts: [composeFact],
  tasks(vars, { fact }) {
    const dir = stackDirectory(vars);
    const owner = { owner: vars.owner, group: vars.group };
    let prepared: PreparedStack | undefined;
    const prepare = () => (prepared ??= prepareStack(vars));
    const project = (state: 'present' | 'absent') =>
      lazyResource('compose-project', vars.name, () => {
        const services = state === 'present' ? serviceHashes(prepare()) : {};
        return composeProject({
          project: vars.name,
          directory: dir,
          file: composeFileName,
          state,
          services,
          shippedImages: vars.images,
          pull: vars.pull,
          healthTimeoutMs: vars.healthTimeout * 1000,
          removeVolumes: vars.removeVolumes,
        });
      });

    if (vars.state === 'absent') return [task(`take down stack ${vars.name}`, project('absent'))];

    const relatives = extraFilePaths(vars);
    const subdirectories = [...new Set(relatives.flatMap(parentsOf))].sort();
    const tasks: Task[] = [
      task(
        'inputs and resource budget',
        budgetGuard({
          compose: () => prepare().compose,
          reserveMemoryMb: vars.reserveMemoryMb,
          reserveCpus: vars.reserveCpus,
          overcommitCpu: vars.overcommitCpu,
          requireLimits: vars.requireLimits,
        }),
      ),
      task(
        'published ports and the firewall',
        exposureGuard({
          compose: () => prepare().compose,
          policy: vars.exposure === 'fail' ? 'fail' : 'warn',
        }),
        { when: vars.exposure !== 'ignore' },
      ),
      task(`directory ${dir}`, directory({ path: dir, mode: vars.directoryMode, ...owner })),
      ...subdirectories.map((sub) =>
        task(`directory ${sub}`, directory({ path: `${dir}/${sub}`, mode: vars.directoryMode, ...owner })),
      ),
      ...relatives.map((relative, i) =>
        task(
          `file ${relative}`,
          lazyResource('file', `${dir}/${relative}`, () => {
            const extra = prepare().files[i];
            return file({ path: extra.path, content: extra.content, mode: extra.mode ?? '0640', ...owner });
          }),
        ),
      ),
    ];
    if (Object.keys(vars.envSecrets).length > 0)
      tasks.push(
        task(
          `secrets ${envFileName}`,
          lazyResource('env-file', `${dir}/${envFileName}`, () =>
            secretEnvFile({ path: `${dir}/${envFileName}`, values: prepare().env ?? {}, ...owner }),
          ),
        ),
      );
    if (vars.images.length > 0)
      tasks.push(
        task(
          'ship images',
          lazyResource('docker-images', vars.images.join(', '), () => dockerImages({ images: vars.images })),
        ),
      );
    tasks.push(
      task(
        `compose file ${composeFileName}`,
        lazyResource('file', `${dir}/${composeFileName}`, () =>
          file({
            path: `${dir}/${composeFileName}`,
            content: prepare().rendered.text,
            mode: '0640',
            validate: validateCompose(fact(composeFact)),
            ...owner,
          }),
        ),
      ),
      task(`stack ${vars.name} up and healthy`, project('present')),
    );
    return tasks;
  },
});

function serviceHashes({ compose, rendered }: PreparedStack) {
  return Object.fromEntries(
    Object.entries(compose.services).map(([name, service]) => [
      name,
      { configHash: rendered.hashes[name], image: service.image },
    ]),
  );
}

/** 'a/b/c.conf' → ['a', 'a/b']. */
function parentsOf(relative: string): string[] {
  const parts = relative.split('/').slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
