import type { InventoryHost } from '../inventory/inventory.js';
import type { Facts } from '../facts/facts.js';
import type { Resource } from '../resources/resource.js';
import type { AppliedRole } from './role.js';
import type { Task } from './task.js';

/** Hosts matching a pattern, the roles and tasks to run on them, and the failure policy. */
export interface Play {
  name: string;
  /** An inventory pattern, as `--limit` takes: 'all', 'web', 'web:&prod', '!db', 'web*'. */
  hosts: string;
  /** Run commands through sudo (overrides the inventory's `become`). */
  become?: boolean;
  roles?: AppliedRole[];
  /** Tasks after the roles, built per host. */
  tasks?: (ctx: { host: InventoryHost; facts: Facts }) => Task[];
  handlers?: (ctx: { host: InventoryHost; facts: Facts }) => Record<string, Resource>;
  /** Run hosts in batches of this size (a number or a percentage such as '30%'). */
  serial?: number | string;
  /** One failed host stops every host of the play (Ansible's `any_errors_fatal`). */
  anyErrorsFatal?: boolean;
  tags?: string[];
}

export interface Playbook {
  name: string;
  plays: Play[];
}

/** Identity helper that gives a playbook file its type: `export default playbook({...})`. */
export function playbook(definition: Playbook): Playbook {
  return definition;
}
