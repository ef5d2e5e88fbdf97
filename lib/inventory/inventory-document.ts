/**
 * One inventory file, read into the shape of a YAML inventory (group → hosts, children, vars),
 * whatever its format, so one schema and one builder serve YAML and INI alike.
 */
export interface InventoryDocument {
  file: string;
  format: 'yaml' | 'ini';
  /** The parsed content; matches InventoryShape once validated. */
  data: unknown;
  /** The line a path inside `data` was written on, for error messages. */
  lineOf(path: readonly string[]): number | undefined;
}

export type VarsMap = Record<string, unknown>;

export interface GroupShape {
  hosts?: Record<string, VarsMap | null> | null;
  children?: Record<string, GroupShape | null> | null;
  vars?: VarsMap | null;
}

export type InventoryShape = Record<string, GroupShape | null>;
