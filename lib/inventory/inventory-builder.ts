import { dirname } from 'node:path';
import { expandHostPattern } from './host-range.js';
import { InventoryError, type InventoryIssue } from './inventory-error.js';
import type { GroupShape, InventoryDocument, InventoryShape, VarsMap } from './inventory-document.js';
import type { TrackedVars } from './tracked-vars.js';

interface Location {
  file: string;
  line?: number;
  path: string[];
}

export interface BuiltGroup {
  name: string;
  /** Hosts listed directly in the group, in the order they were first listed. */
  hosts: string[];
  children: string[];
  parents: string[];
  /** The group's vars from inventory files (not group_vars/). */
  vars: TrackedVars;
  /** ansible_group_priority: among groups of the same depth, a higher priority merges later. */
  priority: number;
  /** Longest distance from `all` (all: 0, its children: 1, ...). */
  depth: number;
  definedAt: Location;
}

export interface BuiltHost {
  name: string;
  /** Host vars from inventory files (not host_vars/). */
  vars: TrackedVars;
  /** Every group holding the host, directly or through children, `all` included. */
  groups: string[];
  definedAt: Location;
}

/** The group tree of all inventory files, merged and checked; variables not yet resolved. */
export interface BuiltInventory {
  groups: Map<string, BuiltGroup>;
  hosts: Map<string, BuiltHost>;
}

/**
 * Merges inventory files into one group tree as Ansible's InventoryData does: a group or host named
 * again is the same one (later values win), groups without a parent go under `all`, hosts without
 * a group go to `ungrouped`. `finish()` rejects cycles and names used for both a group and a host.
 */
export class InventoryBuilder {
  readonly #groups = new Map<string, BuiltGroup>();
  readonly #hosts = new Map<string, BuiltHost>();
  readonly #edges: { parent: string; child: string; at: Location }[] = [];

  constructor() {
    const builtIn: Location = { file: '(built in)', path: [] };
    this.#group('all', builtIn);
    this.#group('ungrouped', builtIn);
    this.#link('all', 'ungrouped', builtIn);
  }

  /** Adds one validated inventory file, walking it in the order it is written like Ansible's YAML plugin. */
  add(doc: InventoryDocument, shape: InventoryShape): void {
    const file: FileContext = { doc, baseDir: dirname(doc.file), issues: [] };
    for (const [name, group] of Object.entries(shape)) this.#walkGroup(file, name, group, [name]);
    if (file.issues.length) throw new InventoryError('INVENTORY_INVALID', file.issues);
  }

  groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  finish(): BuiltInventory {
    this.#checkCycles();
    for (const group of this.#groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.#link('all', group.name, group.definedAt);
    }
    this.#placeUngrouped();
    this.#checkNameClashes();
    this.#setDepths();
    this.#collectHostGroups();
    return { groups: this.#groups, hosts: this.#hosts };
  }

  /** Depth is the longest path from `all`, as Ansible computes it when groups are nested. */
  #setDepths(): void {
    const known = new Map<string, number>([['all', 0]]);
    const depth = (name: string): number => {
      let value = known.get(name);
      if (value === undefined) {
        value = Math.max(...this.#groups.get(name)!.parents.map((parent) => depth(parent) + 1));
        known.set(name, value);
      }
      return value;
    };
    for (const group of this.#groups.values()) group.depth = depth(group.name);
  }

  #collectHostGroups(): void {
    const climb = (found: Set<string>, group: string): Set<string> => {
      if (!found.has(group)) {
        found.add(group);
        for (const parent of this.#groups.get(group)!.parents) climb(found, parent);
      }
      return found;
    };
    const groupsOf = new Map<string, Set<string>>();
    for (const group of this.#groups.values()) {
      for (const host of group.hosts) groupsOf.set(host, climb(groupsOf.get(host) ?? new Set(), group.name));
    }
    for (const host of this.#hosts.values()) host.groups = [...(groupsOf.get(host.name) ?? [])];
  }

  #group(name: string, at: Location): BuiltGroup {
    let group = this.#groups.get(name);
    if (!group) {
      group = {
        name,
        hosts: [],
        children: [],
        parents: [],
        vars: new Map(),
        priority: 1,
        depth: 0,
        definedAt: at,
      };
      this.#groups.set(name, group);
    }
    return group;
  }

  #link(parent: string, child: string, at: Location): void {
    const group = this.#groups.get(parent)!;
    if (group.children.includes(child)) return;
    group.children.push(child);
    this.#groups.get(child)!.parents.push(parent);
    this.#edges.push({ parent, child, at });
  }

  /** Moves hosts as Ansible's reconcile does: in no group but `all` → `ungrouped`; in a real group → out of `ungrouped`. */
  #placeUngrouped(): void {
    const grouped = new Set<string>();
    for (const group of this.#groups.values()) {
      if (group.name !== 'all' && group.name !== 'ungrouped')
        for (const host of group.hosts) grouped.add(host);
    }
    const ungrouped = this.#groups.get('ungrouped')!;
    const listed = new Set(ungrouped.hosts);
    const loose = [...this.#hosts.keys()].filter((host) => !grouped.has(host) && !listed.has(host));
    ungrouped.hosts = [...ungrouped.hosts, ...loose].filter((host) => !grouped.has(host));
  }

  #checkCycles(): void {
    const issues: InventoryIssue[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (name: string): void => {
      state.set(name, 'visiting');
      stack.push(name);
      for (const child of this.#groups.get(name)!.children) {
        if (state.get(child) === 'visiting') {
          const edge = this.#edges.find((e) => e.parent === name && e.child === child)!;
          const cycle = [...stack.slice(stack.indexOf(child)), child].join(' → ');
          const message =
            child === 'all'
              ? `makes 'all' a child of '${name}': every group is already inside 'all'`
              : `makes the groups a cycle: ${cycle} (a group cannot contain itself)`;
          issues.push({ file: edge.at.file, line: edge.at.line, path: edge.at.path, message });
        } else if (!state.has(child)) {
          visit(child);
        }
      }
      stack.pop();
      state.set(name, 'done');
    };
    for (const name of this.#groups.keys()) if (!state.has(name)) visit(name);
    if (issues.length) throw new InventoryError('INVENTORY_CYCLE', issues);
  }

  #checkNameClashes(): void {
    const issues: InventoryIssue[] = [];
    for (const host of this.#hosts.values()) {
      const group = this.#groups.get(host.name);
      if (!group) continue;
      const { file, line } = group.definedAt;
      const groupAt = line === undefined ? file : `${file}:${line}`;
      issues.push({
        ...host.definedAt,
        message: `names host '${host.name}', which is also a group (${groupAt}): a name is either a host or a group; rename one`,
      });
    }
    if (issues.length) throw new InventoryError('INVENTORY_NAME_CLASH', issues);
  }

  #walkGroup(file: FileContext, name: string, shape: GroupShape | null, path: string[]): void {
    const group = this.#group(name, at(file, path));
    for (const [section, content] of Object.entries(shape ?? {})) {
      if (!content) continue;
      if (section === 'vars') {
        for (const [key, value] of Object.entries(content as VarsMap)) {
          if (key === 'ansible_group_priority') group.priority = value as number;
          else group.vars.set(key, { value, baseDir: file.baseDir });
        }
      } else if (section === 'children') {
        for (const [child, childShape] of Object.entries(content as Record<string, GroupShape | null>)) {
          const childPath = [...path, 'children', child];
          this.#walkGroup(file, child, childShape, childPath);
          this.#link(name, child, at(file, childPath));
        }
      } else if (section === 'hosts') {
        for (const [entry, vars] of Object.entries(content as Record<string, VarsMap | null>)) {
          this.#walkHosts(file, group, entry, vars ?? {}, [...path, 'hosts', entry]);
        }
      }
    }
  }

  #walkHosts(file: FileContext, group: BuiltGroup, entry: string, vars: VarsMap, path: string[]): void {
    let expanded;
    try {
      expanded = expandHostPattern(entry);
    } catch (error) {
      file.issues.push({
        ...at(file, path),
        message: `is not a valid host entry: ${(error as Error).message}`,
      });
      return;
    }
    // `web1:2222` sets ansible_port; a port variable on the same entry still wins.
    const entryVars = expanded.port === undefined ? vars : { ansible_port: expanded.port, ...vars };
    for (const name of expanded.names) {
      let host = this.#hosts.get(name);
      if (!host) {
        host = { name, vars: new Map(), groups: [], definedAt: at(file, path) };
        this.#hosts.set(name, host);
      }
      if (!group.hosts.includes(name)) group.hosts.push(name);
      for (const [key, value] of Object.entries(entryVars)) {
        host.vars.set(key, { value, baseDir: file.baseDir });
      }
    }
  }
}

interface FileContext {
  doc: InventoryDocument;
  baseDir: string;
  issues: InventoryIssue[];
}

function at(file: FileContext, path: string[]): Location {
  return { file: file.doc.file, line: file.doc.lineOf(path), path };
}
