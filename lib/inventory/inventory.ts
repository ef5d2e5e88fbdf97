/** How Bosun reaches a host, from its variables (Bosun's own keys or their ansible_* aliases). */
export interface ConnectionSettings {
  /** 'ssh' (default) or 'local' (run on the control machine). */
  connection: 'ssh' | 'local';
  /** Address to connect to; defaults to the host's inventory name (then ~/.ssh/config may map it). */
  address: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
  become: boolean;
  /** Name of the secret that holds the sudo password, when sudo needs one. */
  becomePasswordSecret?: string;
}

/** A host as the inventory defines it, before any connection. */
export interface InventoryHost {
  name: string;
  /** Every group the host belongs to, directly or through children, 'all' included. */
  groups: string[];
  /** The host's merged variables, after precedence (see docs/inventory.md). */
  vars: Record<string, unknown>;
  connection: ConnectionSettings;
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly in this group. */
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
}

/** A loaded, validated inventory (one or several `-i` sources merged). */
export interface Inventory {
  /** Files and folders it was loaded from, in order. */
  sources: string[];
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}
