import type { InventoryHost } from '../../lib/inventory/inventory.js';
import type { ThrowawayHost } from '../../lib/testing/throwaway-host.js';

/** The inventory entry of a throwaway host, as the inventory loader would produce it, with overrides. */
export function inventoryHost(
  host: ThrowawayHost,
  connection: Partial<InventoryHost['connection']> = {},
  vars: Record<string, unknown> = {},
): InventoryHost {
  return {
    name: host.name,
    groups: ['all'],
    vars,
    connection: {
      connection: 'ssh',
      address: host.address,
      port: host.port,
      user: host.user,
      privateKeyFile: host.privateKeyFile,
      become: false,
      ...connection,
    },
  };
}

/** Never the user's ~/.ssh/config: each test names the ssh config it means. */
export const noSshConfig = '/dev/null';
