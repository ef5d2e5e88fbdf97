import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadInventory } from './load-inventory.js';
import { hostVarLayers, sortGroups } from './precedence.js';
import { trackVars, type TrackedVars } from './tracked-vars.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));

describe('variable precedence', () => {
  describe('sortGroups', () => {
    it('orders by depth, then ansible_group_priority, then name (later wins)', () => {
      const sorted = sortGroups([
        { name: 'child', depth: 2, priority: 1 },
        { name: 'zeta', depth: 1, priority: 1 },
        { name: 'alpha', depth: 1, priority: 1 },
        { name: 'low', depth: 1, priority: 10 },
        { name: 'Upper', depth: 1, priority: 1 },
      ]);
      assert.deepEqual(
        sorted.map((g) => g.name),
        ['Upper', 'alpha', 'zeta', 'low', 'child'],
      );
    });
  });

  describe('hostVarLayers', () => {
    it("stacks the layers in Ansible's documented order, per source for group_vars/ and host_vars/", () => {
      const label = (name: string): TrackedVars => trackVars({ from: name }, '/');
      const layers = hostVarLayers(['parent', 'child'], {
        groupVars: (group) => label(`inventory ${group}`),
        hostVars: label('inventory host'),
        varsDirs: ['src1', 'src2'].map((dir) => ({
          groupVars: (group: string) => label(`${dir} group_vars/${group}`),
          hostVars: label(`${dir} host_vars`),
        })),
      });
      assert.deepEqual(
        layers.map((layer) => layer.get('from')!.value),
        [
          'inventory all',
          'inventory parent',
          'inventory child',
          'src1 group_vars/all',
          'src2 group_vars/all',
          'src1 group_vars/parent',
          'src1 group_vars/child',
          'src2 group_vars/parent',
          'src2 group_vars/child',
          'inventory host',
          'src1 host_vars',
          'src2 host_vars',
        ],
      );
    });
  });

  describe('on a loaded inventory', () => {
    it('lets each level beat the one below it', async () => {
      const inventory = await loadInventory([fixture('precedence')]);
      const vars = inventory.hosts.get('h1')!.vars;
      assert.equal(vars.rung1, 'inventory all', 'all group vars alone');
      assert.equal(vars.rung2, 'inventory parent', 'parent group beats all');
      assert.equal(vars.rung3, 'inventory child', 'child group beats parent');
      assert.equal(vars.rung4, 'group_vars/all', 'group_vars/all beats any inventory-file group var');
      assert.equal(
        vars.rung5,
        'group_vars/child',
        'group_vars/child beats group_vars/parent and group_vars/all',
      );
      assert.equal(vars.rung6, 'inventory host', 'inventory host var beats group_vars/');
      assert.equal(vars.rung7, 'host_vars/h1', 'host_vars/ beats inventory host vars');
      assert.equal(vars.file_depth, 'group_vars/child');
    });

    it('merges groups of the same depth by name, later winning', async () => {
      const vars = (await loadInventory([fixture('precedence')])).hosts.get('h1')!.vars;
      assert.equal(vars.same_depth, 'beta');
      assert.equal(vars.file_same_depth, 'group_vars/beta');
    });

    it('merges a group with a higher ansible_group_priority later, and does not expose the priority as a var', async () => {
      const vars = (await loadInventory([fixture('precedence')])).hosts.get('h2')!.vars;
      assert.equal(vars.prio, 'low (priority 10)');
      assert.equal('ansible_group_priority' in vars, false);
    });
  });
});
