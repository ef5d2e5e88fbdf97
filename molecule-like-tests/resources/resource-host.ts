import { probeOne } from '../../lib/engine/run-resource.js';
import { executePlan } from '../../lib/resources/execute-plan.js';
import type { Facts } from '../../lib/facts/facts.js';
import { gatherFacts } from '../../lib/facts/gather.js';
import type { InventoryHost } from '../../lib/inventory/inventory.js';
import type { Plan, Resource, ResourceContext } from '../../lib/resources/resource.js';
import { ThrowawayHost, type ThrowawayHostOptions } from '../../lib/testing/throwaway-host.js';
import { connect } from '../../lib/transport/connect.js';
import type { Transport } from '../../lib/transport/transport.js';

/** The inventory entry of a throwaway host, logged in as `user` (root by default). */
export function inventoryHost(host: ThrowawayHost, user = 'root', become = false): InventoryHost {
  return {
    name: host.name,
    groups: ['all'],
    vars: {},
    connection: {
      connection: 'ssh',
      address: host.address,
      port: host.port,
      user,
      privateKeyFile: host.privateKeyFile,
      become,
    },
  };
}

/** What a run reports of a plan (its lines, diff and notes): the assertions of these tests, without the actions. */
export function reported({ actions: _actions, ...plan }: Plan): Omit<Plan, 'actions'> {
  return plan;
}

/** A throwaway host with an SSH transport to it and its facts: what the engine gives each resource. */
export class ResourceHost {
  private constructor(
    readonly host: ThrowawayHost,
    readonly transport: Transport,
    readonly facts: Facts,
  ) {}

  static async start(name: string, options: Omit<ThrowawayHostOptions, 'name'> = {}): Promise<ResourceHost> {
    const host = await ThrowawayHost.start({ ...options, name });
    try {
      const transport = await ResourceHost.connectTo(host);
      return new ResourceHost(host, transport, await gatherFacts(transport));
    } catch (error) {
      await host.stop();
      throw error;
    }
  }

  context(check: boolean): ResourceContext {
    return {
      transport: this.transport,
      facts: this.facts,
      check,
      diff: true,
      reconnect: ({ port }) => ResourceHost.connectTo(this.host, port),
    };
  }

  private static connectTo(host: ThrowawayHost, port?: number): Promise<Transport> {
    const inventory = inventoryHost(host);
    if (port !== undefined) inventory.connection.port = port;
    return connect(inventory, { knownHostsPolicy: 'strict', knownHostsFile: host.knownHostsFile });
  }

  /** Probe and plan as check mode does. */
  async check<S>(resource: Resource<S>): Promise<Omit<Plan, 'actions'>> {
    return reported(resource.plan(await probeOne(resource, this.context(true))));
  }

  /** Probe, plan, apply when the plan has changes, then probe and plan again: the second plan proves idempotence. */
  async converge<S>(
    resource: Resource<S>,
  ): Promise<{ first: Omit<Plan, 'actions'>; second: Omit<Plan, 'actions'> }> {
    const ctx = this.context(false);
    const current = await probeOne(resource, ctx);
    const first = resource.plan(current);
    if (first.changes.length > 0) await executePlan(resource, first, ctx);
    const second = resource.plan(await probeOne(resource, ctx));
    return { first: reported(first), second: reported(second) };
  }

  /** Runs a command inside the host outside SSH, failing on a non-zero exit; returns its output. */
  async verify(command: string): Promise<string> {
    const result = await this.host.exec(command);
    if (result.code !== 0)
      throw new Error(`verification \`${command}\` failed (exit ${result.code}): ${result.output}`);
    return result.output;
  }

  async stop(): Promise<void> {
    await this.transport.close().catch(() => undefined);
    await this.host.stop();
  }
}
