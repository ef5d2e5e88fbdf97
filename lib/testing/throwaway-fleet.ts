import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { scenarioInventory } from './scenario-inventory.js';
import { ThrowawayHost, type ThrowawayHostOptions } from './throwaway-host.js';

/** A host to start: its inventory name, groups and vars, and how to start its container. */
export interface FleetHostSpec {
  name: string;
  groups?: string[];
  vars?: Record<string, unknown>;
  options?: Omit<ThrowawayHostOptions, 'name'>;
}

export interface FleetOptions {
  /** Variables per group for the inventory (`all` included). */
  groupVars?: Record<string, Record<string, unknown>>;
}

/**
 * Several throwaway hosts behind one YAML inventory file and one known_hosts file with all their
 * host keys: what `bosun run -i INVENTORY --known-hosts-file FILE` needs to reach them with strict
 * host key checking.
 */
export class ThrowawayFleet {
  private constructor(
    readonly hosts: ThrowawayHost[],
    readonly inventoryFile: string,
    readonly knownHostsFile: string,
    private readonly dir: string,
  ) {}

  /** Starts the hosts in parallel; when one fails, the others are stopped before the error is thrown. */
  static async start(specs: FleetHostSpec[], options: FleetOptions = {}): Promise<ThrowawayFleet> {
    const started = await Promise.allSettled(
      specs.map((spec) => ThrowawayHost.start({ ...spec.options, name: spec.name })),
    );
    const hosts = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await Promise.allSettled(hosts.map((host) => host.stop()));
      throw failure.reason;
    }
    const dir = await mkdtemp(join(tmpdir(), 'bosun-fleet-'));
    const fleet = new ThrowawayFleet(hosts, join(dir, 'inventory.yml'), join(dir, 'known_hosts'), dir);
    try {
      const inventory = scenarioInventory(
        specs.map((spec, i) => ({ ...spec, entry: hosts[i].inventoryEntry() })),
        options.groupVars,
      );
      await writeFile(fleet.inventoryFile, stringify(inventory));
      const keys = await Promise.all(hosts.map((host) => readFile(host.knownHostsFile, 'utf8')));
      await writeFile(fleet.knownHostsFile, keys.join(''));
      return fleet;
    } catch (error) {
      await fleet.stop().catch(() => undefined);
      throw error;
    }
  }

  host(name: string): ThrowawayHost {
    const found = this.hosts.find((host) => host.name === name);
    if (!found)
      throw new Error(`no throwaway host named ${name} (have: ${this.hosts.map((h) => h.name).join(', ')})`);
    return found;
  }

  /** Stops and removes every container and the inventory folder; safe to call twice. */
  async stop(): Promise<void> {
    const stopping = this.hosts.splice(0).map((host) => host.stop());
    const outcomes = await Promise.allSettled([...stopping, rm(this.dir, { recursive: true, force: true })]);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }
}
