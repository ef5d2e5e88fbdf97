import type { TrackedVars } from './tracked-vars.js';

export interface RankedGroup {
  name: string;
  depth: number;
  priority: number;
}

/**
 * Ansible's merge order for a host's groups (`sort_groups`): shallower groups first, then lower
 * ansible_group_priority, then by name; a later group's value wins.
 */
export function sortGroups<T extends RankedGroup>(groups: readonly T[]): T[] {
  return [...groups].sort(
    (a, b) =>
      a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** Where one host's variables come from, before precedence. */
export interface HostVarSources {
  /** Group vars written in the inventory files, by group name. */
  groupVars(group: string): TrackedVars;
  /** Host vars written in the inventory files. */
  hostVars: TrackedVars;
  /** For each `-i` source in order: its group_vars/ files by group name and its host_vars/ file for this host. */
  varsDirs: readonly { groupVars(group: string): TrackedVars; hostVars: TrackedVars }[];
}

/**
 * The layers of a host's variables from lowest to highest precedence, in Ansible's documented
 * order: inventory file group vars (all, then the host's groups in sortGroups order),
 * group_vars/all, group_vars/* (per source, groups in the same order), inventory file host vars,
 * host_vars/*. `groups` are the host's groups in sortGroups order, without `all`.
 */
export function hostVarLayers(groups: readonly string[], sources: HostVarSources): TrackedVars[] {
  const dirs = sources.varsDirs;
  return [
    sources.groupVars('all'),
    ...groups.map((group) => sources.groupVars(group)),
    ...dirs.map((dir) => dir.groupVars('all')),
    ...dirs.flatMap((dir) => groups.map((group) => dir.groupVars(group))),
    sources.hostVars,
    ...dirs.map((dir) => dir.hostVars),
  ];
}
