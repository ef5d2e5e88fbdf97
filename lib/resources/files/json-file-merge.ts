export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `patch` merged into `base`: objects on both sides are merged key by key, anything else (arrays included) is
 * replaced by the patch's value. Keys keep their order in `base`; new keys follow. Neither input is changed.
 */
export function mergeJson(base: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    const existing = merged[key];
    merged[key] =
      isJsonObject(existing) && isJsonObject(value) ? mergeJson(existing, value) : structuredClone(value);
  }
  return merged;
}

/** Deep equality of JSON values; the order of an object's keys does not matter, an array's order does. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
  );
}

/**
 * One readable line per key that differs, by dotted path: `add live-restore: true`,
 * `log-opts.max-size: "20m" → "10m"`, `remove debug`. Objects on both sides are compared key by key.
 */
export function jsonChanges(before: JsonObject, after: JsonObject, prefix = ''): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    const path = `${prefix}${key}`;
    if (!Object.hasOwn(before, key)) lines.push(`add ${path}: ${shown(value)}`);
    else if (isJsonObject(before[key]) && isJsonObject(value))
      lines.push(...jsonChanges(before[key], value, `${path}.`));
    else if (!jsonEqual(before[key], value)) lines.push(`${path}: ${shown(before[key])} → ${shown(value)}`);
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) lines.push(`remove ${prefix}${key}`);
  return lines;
}

const shown = (value: JsonValue) => {
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};
