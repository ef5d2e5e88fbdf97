/** One host of a test inventory: its connection entry (`ThrowawayHost.inventoryEntry()`), groups and vars. */
export interface InventoryHostSpec {
  name: string;
  entry: Record<string, unknown>;
  groups?: string[];
  vars?: Record<string, unknown>;
}

/**
 * An Ansible-format YAML inventory document for throwaway hosts: every host under `all.hosts` with its
 * connection keys and vars, each group under `all.children` listing its hosts, `groupVars` as the
 * groups' `vars` (`all` included).
 */
export function scenarioInventory(
  hosts: InventoryHostSpec[],
  groupVars: Record<string, Record<string, unknown>> = {},
): { all: Record<string, unknown> } {
  const children: Record<string, { hosts: Record<string, null>; vars?: Record<string, unknown> }> = {};
  const groupOf = (name: string) => (children[name] ??= { hosts: {} });
  for (const host of hosts) {
    for (const group of host.groups ?? []) groupOf(group).hosts[host.name] = null;
  }
  for (const [group, vars] of Object.entries(groupVars)) {
    if (group !== 'all') groupOf(group).vars = vars;
  }
  const all: Record<string, unknown> = {
    hosts: Object.fromEntries(hosts.map((host) => [host.name, { ...host.entry, ...host.vars }])),
  };
  if (groupVars.all) all.vars = groupVars.all;
  if (Object.keys(children).length > 0) all.children = children;
  return { all };
}
