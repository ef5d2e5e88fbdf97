import { OptionsError } from '../errors.js';
import { ANSIBLE_BOOLEANS, CONNECTION_KEYS } from './connection-keys.js';
import { connectionSettings } from './connection.js';
import type { ConnectionSettings, Inventory, InventoryHost } from './inventory.js';
import { trackVars } from './tracked-vars.js';

/**
 * `-e` variables win over every inventory variable, connection keys included, as in Ansible: bootstrapping
 * a fresh server is `-e bosun_user=root`. `key=value` values are text, so ports and booleans are read here.
 */
export function withExtraVars(
  inventory: Inventory,
  extraVars: Record<string, unknown>,
  baseDir = process.cwd(),
): Inventory {
  if (Object.keys(extraVars).length === 0) return inventory;
  const typed = Object.fromEntries(
    Object.entries(extraVars).map(([key, value]) => [key, typedValue(key, value)]),
  );
  // What the extra vars say about connecting; fields they do not mention keep the inventory's values.
  const override = connectionSettings('', trackVars(typed, baseDir));
  const mentioned = (field: keyof ConnectionSettings) => connectionKeysOf(field).some((key) => key in typed);
  const hosts = new Map<string, InventoryHost>();
  for (const [name, host] of inventory.hosts) {
    const connection = { ...host.connection };
    for (const field of Object.keys(override) as (keyof ConnectionSettings)[]) {
      if (mentioned(field)) Object.assign(connection, { [field]: override[field] });
    }
    hosts.set(name, { ...host, vars: { ...host.vars, ...typed }, connection });
  }
  return { ...inventory, hosts };
}

const portKeys = new Set(connectionKeysOf('port'));
const booleanKeys = new Set(connectionKeysOf('become'));

function connectionKeysOf(field: keyof ConnectionSettings): readonly string[] {
  return CONNECTION_KEYS[field];
}

function typedValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (portKeys.has(key)) {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new OptionsError(
        'EXTRA_VARS_INVALID',
        `-e ${key}=${value}: must be a port number between 1 and 65535`,
      );
    }
    return port;
  }
  if (booleanKeys.has(key)) {
    const flag = ANSIBLE_BOOLEANS[value.toLowerCase()];
    if (flag === undefined)
      throw new OptionsError('EXTRA_VARS_INVALID', `-e ${key}=${value}: must be true or false`);
    return flag;
  }
  return value;
}
