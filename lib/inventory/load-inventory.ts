import { ParseError } from '../errors.js';
import { connectionSettings } from './connection.js';
import { VarsFiles } from './group-vars.js';
import type { Inventory, InventoryGroup, InventoryHost } from './inventory.js';
import { InventoryBuilder, type BuiltInventory } from './inventory-builder.js';
import { InventoryError } from './inventory-error.js';
import { resolveSource } from './inventory-sources.js';
import { hostVarLayers, sortGroups } from './precedence.js';
import { readInventoryFile } from './read-inventory-file.js';
import { mergeVars, plainVars, trackVars, type TrackedVars } from './tracked-vars.js';

/**
 * Loads `-i` sources (files or folders, in Ansible's YAML or INI format) into one validated
 * inventory: later sources win on conflicts, group_vars/ and host_vars/ beside each source
 * apply, and every host's variables are merged in Ansible's precedence order (docs/inventory.md).
 * Throws a ParseError (exit 4) that names the file, line and path of each problem.
 */
export async function loadInventory(sources: string[]): Promise<Inventory> {
  if (!sources.length) {
    throw new ParseError(
      'INVENTORY_MISSING',
      'No inventory given: pass -i with an inventory file or folder.',
    );
  }
  const builder = new InventoryBuilder();
  const varsFiles = new Map<string, VarsFiles>();
  const varsDirs: VarsFiles[] = [];
  for (const source of sources) {
    const { files, varsDir } = await resolveSource(source);
    for (const file of files) {
      const { doc, shape } = await readInventoryFile(file, builder.groupNames());
      builder.add(doc, shape);
    }
    if (!varsFiles.has(varsDir)) varsFiles.set(varsDir, new VarsFiles(varsDir));
    varsDirs.push(varsFiles.get(varsDir)!);
  }
  const built = builder.finish();
  const dirVars = await settleAll(varsDirs.map((dir) => loadVarsFiles(dir, built)));
  return {
    sources: [...sources],
    groups: new Map(
      [...built.groups.values()].map((group) => [group.name, toGroup(group.name, built, dirVars)]),
    ),
    hosts: new Map([...built.hosts.keys()].map((name) => [name, toHost(name, built, dirVars)])),
  };
}

interface DirVars {
  groups: Map<string, TrackedVars>;
  hosts: Map<string, TrackedVars>;
}

/** Reads the group_vars/ and host_vars/ files of one source for every group and host of the inventory. */
async function loadVarsFiles(dir: VarsFiles, built: BuiltInventory): Promise<DirVars> {
  const load = (kind: 'group_vars' | 'host_vars', names: Iterable<string>) =>
    [...names].map(async (name) => [name, trackVars((await dir.load(kind, name)) ?? {}, dir.dir)] as const);
  const groups = load('group_vars', built.groups.keys());
  const hosts = load('host_vars', built.hosts.keys());
  const entries = await settleAll([...groups, ...hosts]);
  return { groups: new Map(entries.slice(0, groups.length)), hosts: new Map(entries.slice(groups.length)) };
}

/** Awaits every promise, so one run reports the problems of all vars files rather than the first. */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failures = [
    ...new Set(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))),
  ];
  if (!failures.length) return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  if (!failures.every((e) => e instanceof InventoryError)) throw failures[0];
  throw new InventoryError(
    failures[0].code,
    failures.flatMap((e) => e.issues),
  );
}

function toGroup(name: string, built: BuiltInventory, dirVars: DirVars[]): InventoryGroup {
  const group = built.groups.get(name)!;
  return {
    name,
    hosts: [...group.hosts],
    children: [...group.children],
    vars: plainVars(mergeVars([group.vars, ...dirVars.map((dir) => dir.groups.get(name)!)])),
  };
}

function toHost(name: string, built: BuiltInventory, dirVars: DirVars[]): InventoryHost {
  const { groups } = built.hosts.get(name)!;
  const ranked = sortGroups(groups.filter((g) => g !== 'all').map((g) => built.groups.get(g)!)).map(
    (g) => g.name,
  );
  const vars = mergeVars(
    hostVarLayers(ranked, {
      groupVars: (group) => built.groups.get(group)!.vars,
      hostVars: built.hosts.get(name)!.vars,
      varsDirs: dirVars.map((dir) => ({
        groupVars: (group) => dir.groups.get(group)!,
        hostVars: dir.hosts.get(name)!,
      })),
    }),
  );
  return {
    name,
    groups: ['all', ...groups.filter((g) => g !== 'all').sort()],
    vars: plainVars(vars),
    connection: connectionSettings(name, vars),
  };
}
