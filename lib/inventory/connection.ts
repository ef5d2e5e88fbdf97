import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONNECTION_KEYS } from './connection-keys.js';
import type { ConnectionSettings } from './inventory.js';
import type { TrackedVars } from './tracked-vars.js';

/**
 * How to reach a host, from its merged variables (already validated, so typed). For each setting
 * Bosun's key wins over the Ansible aliases, whatever level each was set at. A key file path
 * expands `~` and resolves a relative path from the folder of the inventory that set it.
 */
export function connectionSettings(hostName: string, vars: TrackedVars): ConnectionSettings {
  const pick = (field: keyof ConnectionSettings) =>
    CONNECTION_KEYS[field].map((key) => vars.get(key)).find((entry) => entry !== undefined);

  const settings: ConnectionSettings = {
    connection: (pick('connection')?.value as ConnectionSettings['connection'] | undefined) ?? 'ssh',
    address: (pick('address')?.value as string | undefined) ?? hostName,
    become: (pick('become')?.value as boolean | undefined) ?? false,
  };
  const port = pick('port');
  if (port) settings.port = port.value as number;
  const user = pick('user');
  if (user) settings.user = user.value as string;
  const key = pick('privateKeyFile');
  if (key) settings.privateKeyFile = keyFilePath(key.value as string, key.baseDir);
  const secret = pick('becomePasswordSecret');
  if (secret) settings.becomePasswordSecret = secret.value as string;
  return settings;
}

function keyFilePath(path: string, baseDir: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return resolve(baseDir, path);
}
