import assert from 'node:assert/strict';
import { withExtraVars } from './extra-vars.js';
import type { Inventory } from './inventory.js';

const inventory: Inventory = {
  sources: ['hosts.yml'],
  groups: new Map(),
  hosts: new Map([
    [
      'web1',
      {
        name: 'web1',
        groups: ['all'],
        vars: { bosun_user: 'deploy', bosun_port: 52231, app: 'x' },
        connection: {
          connection: 'ssh',
          address: '203.0.113.10',
          port: 52231,
          user: 'deploy',
          privateKeyFile: '/keys/deploy',
          become: true,
        },
      },
    ],
  ]),
};

describe('extra vars over the inventory', () => {
  it('override connection keys (text read as ports and booleans) and keep what they do not mention', () => {
    const host = withExtraVars(
      inventory,
      { ansible_user: 'root', bosun_port: '22', bosun_become: 'no', app: 'y' },
      '/tmp',
    ).hosts.get('web1')!;
    assert.deepEqual(host.connection, {
      connection: 'ssh',
      address: '203.0.113.10',
      port: 22,
      user: 'root',
      privateKeyFile: '/keys/deploy',
      become: false,
    });
    assert.equal(host.vars.app, 'y');
    assert.equal(host.vars.bosun_port, 22);
    assert.equal(
      inventory.hosts.get('web1')!.connection.user,
      'deploy',
      'the loaded inventory is not changed',
    );
  });

  it('resolves a key file given with -e from the working directory', () => {
    const host = withExtraVars(inventory, { bosun_private_key_file: 'keys/root' }, '/work').hosts.get(
      'web1',
    )!;
    assert.equal(host.connection.privateKeyFile, '/work/keys/root');
  });

  it('refuses a port or a become flag it cannot read, with exit code 5', () => {
    assert.throws(
      () => withExtraVars(inventory, { bosun_port: 'ssh' }),
      (e: Error & { exitCode: number }) => e.exitCode === 5 && /bosun_port=ssh/.test(e.message),
    );
    assert.throws(() => withExtraVars(inventory, { ansible_become: 'maybe' }), /must be true or false/);
  });
});
