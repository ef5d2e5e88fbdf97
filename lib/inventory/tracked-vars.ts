/**
 * Variables that remember the folder they were written in, so a relative path in one
 * (bosun_private_key_file: keys/deploy) resolves from the inventory that set it.
 */
export type TrackedVars = Map<string, { value: unknown; baseDir: string }>;

export function trackVars(vars: Record<string, unknown>, baseDir: string): TrackedVars {
  return new Map(Object.entries(vars).map(([key, value]) => [key, { value, baseDir }]));
}

/** Merges layers from lowest to highest precedence; a later layer replaces a whole value (Ansible's `hash_behaviour=replace`). */
export function mergeVars(layers: readonly TrackedVars[]): TrackedVars {
  const merged: TrackedVars = new Map();
  for (const layer of layers) for (const [key, entry] of layer) merged.set(key, entry);
  return merged;
}

export function plainVars(vars: TrackedVars): Record<string, unknown> {
  return Object.fromEntries([...vars].map(([key, { value }]) => [key, value]));
}
