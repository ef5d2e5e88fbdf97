import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OptionsError } from '../errors.js';
import { inventoryToGraph } from './graph-output.js';
import { inventoryToList } from './list-output.js';
import { loadInventory } from './load-inventory.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));

describe('ansible-inventory outputs', () => {
  describe('inventoryToList (--list)', () => {
    it('gives groups with hosts and children, and merged hostvars under _meta, like ansible-inventory', async () => {
      const list = inventoryToList(await loadInventory([fixture('yaml/hosts.yml')]));
      const web = { ntp_server: 'ntp.example.com', http_port: 8080, env: 'prod', backup: true };
      const db = { ntp_server: 'ntp.example.com', env: 'prod', backup: true, ansible_port: 2222 };
      assert.deepEqual(list, {
        _meta: {
          hostvars: {
            'bastion.example.com': { ansible_host: '203.0.113.10', ntp_server: 'ntp.example.com' },
            'db01.example.com': db,
            'db02.example.com': db,
            stage1: { ntp_server: 'ntp.example.com' },
            'web-canary': { ...web, canary: true },
            web1: web,
            web2: web,
            web3: web,
          },
        },
        // 'empty' is named among all's children but has no entry, as in ansible-inventory.
        all: { children: ['ungrouped', 'web', 'db', 'prod', 'staging', 'empty'] },
        db: { hosts: ['db01.example.com', 'db02.example.com'] },
        prod: { children: ['web', 'db'] },
        staging: { hosts: ['stage1'] },
        ungrouped: { hosts: ['bastion.example.com'] },
        web: { hosts: ['web1', 'web2', 'web3', 'web-canary'] },
      });
    });

    it('sorts keys at every level like json.dumps(sort_keys=True), keeping list order', async () => {
      const list = inventoryToList(await loadInventory([fixture('yaml/hosts.yml')]));
      assert.deepEqual(Object.keys(list), ['_meta', 'all', 'db', 'prod', 'staging', 'ungrouped', 'web']);
      assert.deepEqual(Object.keys(list._meta.hostvars.web1), ['backup', 'env', 'http_port', 'ntp_server']);
      const text = JSON.stringify(list, null, 4);
      assert.ok(
        text.startsWith('{\n    "_meta": {\n        "hostvars": {\n            "bastion.example.com": {'),
        text,
      );
    });

    it('leaves out hosts without variables and groups without hosts or children', async () => {
      const list = inventoryToList(await loadInventory([fixture('multi/two/hosts.ini')]));
      assert.deepEqual(list, {
        _meta: {
          hostvars: {
            web1: { inventory_group_var: 'two', group_vars_file: 'two', inventory_host_var: 'two' },
            web2: { inventory_group_var: 'two', group_vars_file: 'two' },
          },
        },
        all: { children: ['ungrouped', 'web'] },
        web: { hosts: ['web1', 'web2'] },
      });
    });
  });

  describe('inventoryToGraph (--graph)', () => {
    it('draws the group tree like ansible-inventory --graph', async () => {
      const graph = inventoryToGraph(await loadInventory([fixture('ini/hosts.ini')]));
      assert.equal(
        graph,
        [
          '@all:',
          '  |--@ungrouped:',
          '  |  |--jump.example.com',
          '  |--@prod:',
          '  |  |--@web:',
          '  |  |  |--web01.example.com',
          '  |  |  |--web02.example.com',
          '  |  |  |--web03.example.com',
          '  |  |  |--web-extra.example.com',
          '  |  |--@db:',
          '  |  |  |--db-a',
          '  |  |  |--db-b',
          '  |  |  |--db-c',
        ].join('\n'),
      );
    });

    it('shows empty groups, a group under each parent, and no hosts directly under all', async () => {
      const graph = inventoryToGraph(await loadInventory([fixture('yaml/hosts.yml')]));
      const lines = graph.split('\n');
      assert.equal(lines.filter((line) => line === '  |--@web:' || line === '  |  |--@web:').length, 2);
      assert.ok(lines.includes('  |--@empty:'));
      assert.deepEqual(
        lines.filter((line) => line.endsWith('bastion.example.com')),
        ['  |  |--bastion.example.com'],
      );
    });

    it('starts at a given group, and rejects a name that is not a group', async () => {
      const inventory = await loadInventory([fixture('ini/hosts.ini')]);
      assert.equal(
        inventoryToGraph(inventory, 'db'),
        ['@db:', '  |--db-a', '  |--db-b', '  |--db-c'].join('\n'),
      );
      assert.throws(
        () => inventoryToGraph(inventory, 'web01.example.com'),
        (error: unknown) =>
          error instanceof OptionsError &&
          error.message ===
            "'web01.example.com' is not a group of the inventory. Known groups: all, db, prod, ungrouped, web.",
      );
    });
  });
});
