import { probeOne } from '../../lib/engine/run-resource.js';
import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { Facts } from '../../lib/facts/facts.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { composeFact } from '../../lib/resources/docker/compose-fact.js';
import { stack } from './index.js';
import type { StackVariables } from './variables.js';

const host: InventoryHost = {
  name: 'web1',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'web1', become: false },
};
const ctx = roleContext(host, {} as Facts, [[composeFact, 'v1']]);
const compose = { services: { web: { image: 'web:1' } } };

/** The role's variables as the engine resolves them: validated, defaults filled in. */
function resolve(variables: Partial<StackVariables>): { vars: StackVariables; problems: string[] } {
  const { vars, problems } = resolveRoleVariables(stack(variables), host);
  return { vars: vars as StackVariables, problems };
}

describe('stack role', () => {
  it('lists the guards first, then directories, files, secrets, images, the Compose file and the project', () => {
    const { vars, problems } = resolve({
      name: 'shop',
      compose,
      files: [
        { path: 'nginx/conf.d/site.conf', content: 'x' },
        { path: 'redis/redis.conf', content: 'y' },
      ],
      envSecrets: { POSTGRES_PASSWORD: 'SHOP_DB' },
      images: ['web:1'],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(
      stack.definition.tasks(vars, ctx).map((task) => [task.name, task.resource.kind, task.when ?? true]),
      [
        ['inputs and resource budget', 'stack-budget', true],
        ['published ports and the firewall', 'stack-exposure', true],
        ['directory /opt/shop', 'directory', true],
        ['directory nginx', 'directory', true],
        ['directory nginx/conf.d', 'directory', true],
        ['directory redis', 'directory', true],
        ['file nginx/conf.d/site.conf', 'file', true],
        ['file redis/redis.conf', 'file', true],
        ['secrets .env', 'env-file', true],
        ['ship images', 'docker-images', true],
        ['compose file docker-compose.yml', 'file', true],
        ['stack shop up and healthy', 'compose-project', true],
      ],
    );
  });

  it("with state 'absent' only takes the project down; 'ignore' skips the exposure guard", () => {
    const absent = resolve({ name: 'shop', state: 'absent' }).vars;
    assert.deepEqual(
      stack.definition.tasks(absent, ctx).map((task) => task.name),
      ['take down stack shop'],
    );
    const ignoring = resolve({ name: 'shop', compose, exposure: 'ignore' }).vars;
    assert.equal(stack.definition.tasks(ignoring, ctx)[1].when, false);
  });

  it('lists its tasks without reading inputs: a missing secret fails the first task, not the listing', () => {
    const { vars } = resolve({ name: 'shop', compose, envSecrets: { PW: 'STACK_ROLE_TEST_UNSET' } });
    const [first] = stack.definition.tasks(vars, ctx);
    delete process.env.STACK_ROLE_TEST_UNSET;
    return assert.rejects(
      probeOne(first.resource, { facts: { memoryMb: 4096, cpus: 2 } } as never),
      /Secret STACK_ROLE_TEST_UNSET is not set/,
    );
  });

  it('refuses, before any host, file paths outside the directory, bad names and image references', () => {
    const { problems } = resolve({
      name: 'My Shop',
      compose,
      files: [{ path: '../etc/passwd', content: 'x' }],
      images: ['web; rm -rf /'],
    });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /variable 'name' must match pattern/);
    assert.match(problems.join('\n'), /variable 'files\.0\.path' must match pattern/);
    assert.match(problems.join('\n'), /variable 'images\.0' must match pattern/);
  });
});
