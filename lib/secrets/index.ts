import { secretStore } from './secret-store.js';

export { Redactor, MASK, redactor, redact } from './redactor.js';
export { parseEnvFile } from './env-file.js';
export { SecretStore, secretStore, type SecretStoreOptions } from './secret-store.js';

export const secret = (name: string): string => secretStore.secret(name);
export const loadEnvFile = (path: string): string[] => secretStore.loadEnvFile(path);
export const requireSecrets = (names: readonly string[]): void => secretStore.requireSecrets(names);
