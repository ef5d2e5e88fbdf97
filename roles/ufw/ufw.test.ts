import { roleContext } from '../../lib/engine/role.js';
import assert from 'node:assert/strict';
import { resolveRoleVariables } from '../../lib/engine/role-variables.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import { ufw, ufwGuard } from './index.js';
import type { UfwVariables } from './variables.js';

const host: InventoryHost = {
  name: 'vps',
  groups: ['all'],
  vars: {},
  connection: { connection: 'ssh', address: 'vps', port: 52231, become: false },
};
const resolve = (given: Partial<UfwVariables>) => resolveRoleVariables(ufw(given), host);
const facts = { init: 'systemd' } as never;

describe('ufw role', () => {
  it('fills the defaults: deny in, allow out, deny routed, logging low, enabled, no purge', () => {
    const { vars, problems } = resolve({});
    assert.deepEqual(problems, []);
    assert.deepEqual(vars, {
      defaults: { incoming: 'deny', outgoing: 'allow', routed: 'deny' },
      rules: [],
      purge: false,
      logging: 'low',
      enabled: true,
      sysctl: true,
      rollbackTimeoutSeconds: 300,
    });
  });

  it('names every bad rule field before any host is touched', () => {
    const { problems } = resolve({
      rules: [
        { rule: 'permit', port: 22 },
        { rule: 'allow', prot: 'tcp' },
        { rule: 'allow', port: 80, comment: "it's" },
        { rule: 'allow', port: '22; reboot' },
      ],
    } as never);
    const text = problems.join('\n');
    assert.match(text, /variable 'rules\.0\.rule'/);
    assert.match(text, /unknown variable 'rules\.1\.prot'/);
    assert.match(text, /variable 'rules\.2\.comment'/);
    assert.match(text, /variable 'rules\.3\.port'/);
  });

  it('installs ufw, then guards the firewall; the Docker block only when asked', () => {
    const { vars } = resolve({ rules: [{ rule: 'limit', port: 52231 }] });
    const tasks = ufw.definition.tasks(vars as UfwVariables, roleContext(host, facts));
    assert.deepEqual(
      tasks.map((t) => [t.name, t.resource.kind, t.notify]),
      [
        ['ufw installed', 'apt', undefined],
        ['firewall rules, policies and logging', 'ufw', ['confirm SSH access']],
      ],
    );
    const withDocker = ufw.definition.tasks(
      { ...(vars as UfwVariables), dockerUserChain: true },
      roleContext(host, facts),
    );
    assert.deepEqual(withDocker[2].notify, ['reload ufw', 'confirm SSH access']);
    assert.equal(withDocker[2].resource.kind, 'block-in-file');
    const handlers = ufw.definition.handlers!(vars as UfwVariables, roleContext(host, facts));
    assert.deepEqual(
      Object.keys(handlers),
      ['reload ufw', 'confirm SSH access'],
      'reload before the confirmation',
    );
  });

  it('with sysctl: false, empties IPT_SYSCTL (guarded) before the firewall is enabled', () => {
    const { vars } = resolve({ rules: [{ rule: 'limit', port: 52231 }], sysctl: false });
    // The tasks read only the host: a cast keeps this test independent of the context's other members.
    const context = { host, facts } as never;
    const tasks = ufw.definition.tasks(vars as UfwVariables, context);
    assert.deepEqual(
      tasks.map((t) => [t.name, t.resource.kind, t.notify]),
      [
        ['ufw installed', 'apt', undefined],
        ['ufw leaves the kernel settings alone (IPT_SYSCTL empty)', 'command', ['confirm SSH access']],
        ['firewall rules, policies and logging', 'ufw', ['confirm SSH access']],
      ],
    );
  });

  it('rolls back to ufw’s old files, reloading a firewall that ran and disabling one that did not', () => {
    const { vars } = resolve({ rollbackTimeoutSeconds: 120 });
    const guard = ufwGuard(vars as UfwVariables);
    assert.deepEqual(guard.paths, ['/etc/ufw', '/etc/default/ufw']);
    assert.equal(guard.timeoutSeconds, 120);
    assert.match(
      guard.restore,
      /ENABLED=yes[\s\S]*ufw reload[\s\S]*ufw --force enable[\s\S]*else ufw disable/,
    );
  });
});
