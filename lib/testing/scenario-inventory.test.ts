import assert from 'node:assert/strict';
import { scenarioInventory } from './scenario-inventory.js';

describe('scenario inventory', () => {
  const entry = (port: number) => ({ bosun_host: '127.0.0.1', bosun_port: port, bosun_user: 'root' });

  it('puts every host under all.hosts with its connection keys and vars', () => {
    assert.deepEqual(scenarioInventory([{ name: 'web1', entry: entry(2201), vars: { motd: 'hi' } }]), {
      all: { hosts: { web1: { bosun_host: '127.0.0.1', bosun_port: 2201, bosun_user: 'root', motd: 'hi' } } },
    });
  });

  it('lists hosts in their groups and writes group vars, all included', () => {
    const inventory = scenarioInventory(
      [
        { name: 'web1', entry: entry(2201), groups: ['web', 'prod'] },
        { name: 'db1', entry: entry(2202), groups: ['prod'] },
      ],
      { all: { tz: 'UTC' }, web: { port: 80 }, empty: {} },
    );
    assert.deepEqual(inventory.all.vars, { tz: 'UTC' });
    assert.deepEqual(inventory.all.children, {
      web: { hosts: { web1: null }, vars: { port: 80 } },
      prod: { hosts: { web1: null, db1: null } },
      empty: { hosts: {}, vars: {} },
    });
  });
});
