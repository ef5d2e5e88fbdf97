import { ShellTransport, type BecomeSettings, type RunResult } from './shell-transport.js';
import { SshConnection } from './ssh-connection.js';
import type { SshEndpoint } from './ssh-endpoint.js';
import type { Stdin } from './stdin.js';

export interface SshTransportOptions {
  /** Inventory name, for messages. */
  hostName: string;
  target: SshEndpoint;
  /** ProxyJump hops, first one first; each is reached through the previous one. */
  jumps: SshEndpoint[];
  become: BecomeSettings;
  /** Receives warnings the caller must show (host key checking off); the transport prints nothing. */
  onWarning?: (message: string) => void;
}

/** One SSH connection per host (plus one per jump host); every exec and upload is a channel on it. */
export class SshTransport extends ShellTransport {
  private constructor(
    hostName: string,
    become: BecomeSettings,
    /** Jump hosts first, the target last. */
    private readonly connections: SshConnection[],
  ) {
    super(hostName, become, true);
    this.counters.connectionsOpened = connections.length;
  }

  static async connect(options: SshTransportOptions): Promise<SshTransport> {
    const connections: SshConnection[] = [];
    try {
      for (const endpoint of [...options.jumps, options.target]) {
        const connection = await SshConnection.open(endpoint, connections.at(-1));
        connections.push(connection);
        if (connection.warning) options.onWarning?.(connection.warning);
      }
    } catch (error) {
      for (const connection of connections.reverse()) connection.close();
      throw error;
    }
    return new SshTransport(options.hostName, options.become, connections);
  }

  get hostKey(): Buffer | undefined {
    return this.connections[this.connections.length - 1].hostKey;
  }

  protected run(command: string, stdin: Stdin | undefined, timeoutMs?: number): Promise<RunResult> {
    return this.connections[this.connections.length - 1].exec(command, stdin, timeoutMs);
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections].reverse()) connection.close();
  }
}
