import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParseError } from '../errors.js';
import { loadInventory } from './load-inventory.js';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));

describe('loadInventory', () => {
  describe('YAML format', () => {
    it('reads nested groups, ranges, hosts with and without vars, and hosts directly under all', async () => {
      const inventory = await loadInventory([fixture('yaml/hosts.yml')]);
      assert.deepEqual(inventory.sources, [fixture('yaml/hosts.yml')]);
      assert.deepEqual(
        [...inventory.hosts.keys()],
        [
          'bastion.example.com',
          'web1',
          'web2',
          'web3',
          'web-canary',
          'db01.example.com',
          'db02.example.com',
          'stage1',
        ],
      );
      assert.deepEqual(inventory.groups.get('all'), {
        name: 'all',
        hosts: ['bastion.example.com'],
        children: ['ungrouped', 'web', 'db', 'prod', 'staging', 'empty'],
        vars: { ntp_server: 'ntp.example.com' },
      });
      assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['bastion.example.com']);
      assert.deepEqual(inventory.groups.get('prod'), {
        name: 'prod',
        hosts: [],
        children: ['web', 'db'],
        vars: { env: 'prod', backup: true },
      });
      assert.deepEqual(inventory.groups.get('staging')?.hosts, ['stage1'], "the 'hosts: stage1' shorthand");
      assert.deepEqual(inventory.groups.get('empty'), { name: 'empty', hosts: [], children: [], vars: {} });
    });

    it('gives each host its groups (through children, all included) and merged vars', async () => {
      const inventory = await loadInventory([fixture('yaml/hosts.yml')]);
      const db1 = inventory.hosts.get('db01.example.com')!;
      assert.deepEqual(db1.groups, ['all', 'db', 'prod']);
      assert.deepEqual(db1.vars, {
        ntp_server: 'ntp.example.com',
        env: 'prod',
        backup: true,
        ansible_port: 2222,
      });
      assert.deepEqual(db1.connection, {
        connection: 'ssh',
        address: 'db01.example.com',
        port: 2222,
        become: false,
      });
      assert.deepEqual(inventory.hosts.get('web-canary')!.vars.canary, true);
      assert.deepEqual(inventory.hosts.get('bastion.example.com')!.groups, ['all', 'ungrouped']);
      assert.equal(inventory.hosts.get('bastion.example.com')!.connection.address, '203.0.113.10');
    });
  });

  describe('INI format', () => {
    it('reads ungrouped hosts, ranges, inline vars, :vars, :children and ports', async () => {
      const inventory = await loadInventory([fixture('ini/hosts.ini')]);
      assert.deepEqual(
        [...inventory.hosts.keys()],
        [
          'jump.example.com',
          'web01.example.com',
          'web02.example.com',
          'web03.example.com',
          'web-extra.example.com',
          'db-a',
          'db-b',
          'db-c',
        ],
      );
      assert.deepEqual(inventory.groups.get('all')?.children, ['ungrouped', 'prod']);
      assert.deepEqual(inventory.groups.get('prod')?.children, ['web', 'db']);
      assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['jump.example.com']);
      assert.deepEqual(
        inventory.groups.get('prod')?.vars,
        { env: 'prod' },
        'ansible_group_priority is not a var',
      );

      const extra = inventory.hosts.get('web-extra.example.com')!;
      assert.deepEqual(extra.vars, {
        env: 'prod',
        ansible_user: 'admin',
        max_conns: 100,
        greeting: 'hello # not a literal: the whole text is kept',
        flag: true,
        ratio: 0.5,
        servers: ['ntp1', 'ntp2'],
        mode: '0755',
        ansible_port: 2222,
        note: 'two words',
      });
      assert.deepEqual(extra.connection, {
        connection: 'ssh',
        address: 'web-extra.example.com',
        port: 2222,
        user: 'admin',
        become: false,
      });
      assert.equal(inventory.hosts.get('web02.example.com')!.vars.http_port, 8080);
      assert.equal(inventory.hosts.get('db-b')!.connection.become, true);
    });
  });

  it('takes a host out of ungrouped once it is in a group', async () => {
    const inventory = await loadInventory([fixture('ini/regrouped.ini')]);
    assert.deepEqual(inventory.groups.get('ungrouped')?.hosts, ['lonely']);
    assert.deepEqual(inventory.hosts.get('web1')!.groups, ['all', 'web']);
  });

  describe('a folder', () => {
    it('reads every inventory file in name order, subfolders too, skipping docs, backups and hidden files', async () => {
      const inventory = await loadInventory([fixture('dir')]);
      assert.deepEqual([...inventory.hosts.keys()], ['web1', 'web2', 'db1', 'cache1', 'mon1']);
      assert.deepEqual(
        [...inventory.groups.keys()],
        ['all', 'ungrouped', 'web', 'db', 'cache', 'prod', 'monitoring'],
      );
      assert.deepEqual(inventory.groups.get('all')?.children, [
        'ungrouped',
        'web',
        'db',
        'prod',
        'monitoring',
      ]);
      assert.deepEqual(inventory.groups.get('prod')?.children, ['web', 'db', 'cache']);
    });

    it('applies group_vars/ (NAME.yml, NAME.yaml, NAME, NAME/ merged) and host_vars/', async () => {
      const inventory = await loadInventory([fixture('dir')]);
      assert.deepEqual(inventory.hosts.get('web1')!.vars, {
        ntp_server: 'ntp.example.com',
        where: 'host_vars/web1.yml',
        env: 'prod',
        http_port: 8080,
        bosun_port: 2222,
      });
      assert.equal(inventory.hosts.get('web1')!.connection.port, 2222);
      assert.deepEqual(inventory.hosts.get('db1')!.vars, {
        ntp_server: 'ntp.example.com',
        where: 'group_vars/db/20-tuning.yml',
        env: 'prod',
        db_port: 5432,
        shared_buffers: '1GB',
      });
      assert.equal(
        inventory.hosts.get('mon1')!.vars.where,
        'group_vars/monitoring.yml wins over monitoring.yaml',
      );
      assert.deepEqual(inventory.groups.get('web')?.vars, { http_port: 8080, where: 'group_vars/web.yaml' });
    });

    it('reads group_vars/ beside an inventory file given directly', async () => {
      const inventory = await loadInventory([fixture('dir/10-hosts.yml')]);
      assert.equal(inventory.hosts.get('web2')!.vars.where, 'group_vars/web.yaml');
      assert.equal(inventory.hosts.get('web1')!.vars.where, 'host_vars/web1.yml');
    });
  });

  describe('several sources', () => {
    it('merges them: later sources win for inventory vars and for group_vars/ files', async () => {
      const inventory = await loadInventory([fixture('multi/one'), fixture('multi/two/hosts.ini')]);
      assert.deepEqual([...inventory.hosts.keys()], ['web1', 'web2']);
      assert.deepEqual(inventory.hosts.get('web1')!.vars, {
        inventory_group_var: 'two',
        group_vars_file: 'two',
        inventory_host_var: 'two',
        only_one: 'kept',
      });
      const reversed = await loadInventory([fixture('multi/two/hosts.ini'), fixture('multi/one')]);
      assert.deepEqual(reversed.hosts.get('web1')!.vars, {
        inventory_group_var: 'one',
        group_vars_file: 'one',
        inventory_host_var: 'one',
        only_one: 'kept',
      });
    });
  });

  describe('connection keys', () => {
    it('reads Bosun keys and Ansible aliases, Bosun keys winning; resolves key files', async () => {
      const inventory = await loadInventory([fixture('connection/hosts.yml')]);
      const connection = (name: string) => inventory.hosts.get(name)!.connection;
      assert.deepEqual(connection('plain'), { connection: 'ssh', address: 'plain', become: false });
      assert.deepEqual(connection('aliased'), {
        connection: 'ssh',
        address: '10.0.0.5',
        port: 2222,
        user: 'ubuntu',
        privateKeyFile: join(homedir(), '.ssh/id_aliased'),
        become: true,
      });
      assert.deepEqual(connection('both'), {
        connection: 'ssh',
        address: '10.0.0.7',
        port: 2200,
        user: 'admin',
        privateKeyFile: fixture('connection/keys/bosun.key'),
        become: true,
      });
      assert.equal(connection('relative-key').privateKeyFile, fixture('connection/keys/deploy.key'));
      assert.deepEqual(connection('local'), {
        connection: 'local',
        address: 'local',
        become: true,
        becomePasswordSecret: 'SUDO_PASSWORD',
      });
    });

    it('resolves a key file set in group_vars/ from the inventory folder', async () => {
      const inventory = await loadInventory([fixture('connection/hosts.yml')]);
      assert.deepEqual(inventory.hosts.get('gv1')!.connection, {
        connection: 'ssh',
        address: 'gv1',
        user: 'deploy',
        privateKeyFile: fixture('connection/keys/group.key'),
        become: false,
      });
    });
  });

  describe('sources that are not inventories', () => {
    const rejects = (sources: string[], code: string, message: RegExp) =>
      assert.rejects(loadInventory(sources), (error: unknown) => {
        assert.ok(error instanceof ParseError);
        assert.equal(error.code, code);
        assert.equal(error.exitCode, 4);
        assert.match(error.message, message);
        return true;
      });

    it('rejects no source at all', () => rejects([], 'INVENTORY_MISSING', /No inventory given: pass -i/));

    it('rejects a missing file or folder', () =>
      rejects(
        [fixture('nope.yml')],
        'INVENTORY_NOT_FOUND',
        /Inventory '.*nope\.yml' does not exist: give an inventory file or folder with -i/,
      ));

    it('rejects a folder holding no inventory file', () =>
      rejects(
        [fixture('invalid/empty-dir')],
        'INVENTORY_EMPTY',
        /holds no inventory file \(hidden files, group_vars\/, host_vars\/ and .*\*\.md.* are skipped\)/,
      ));

    it('rejects an inventory script', () =>
      rejects(
        [fixture('invalid/script')],
        'INVENTORY_SCRIPT',
        /script is an inventory script; .*ansible-inventory -i SCRIPT --list -y > hosts\.yml/,
      ));

    it('rejects an inventory plugin configuration', () =>
      rejects(
        [fixture('invalid/plugin.yml')],
        'INVENTORY_INVALID',
        /plugin\.yml: holds an inventory plugin configuration \(plugin: amazon\.aws\.aws_ec2\)/,
      ));
  });
});
