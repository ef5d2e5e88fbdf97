import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with the Nth connection it accepts (counted from 0). */
export type ProxyBehaviour = 'forward' | 'reset' | 'silent';

/**
 * A TCP proxy on 127.0.0.1 in front of a throwaway host's SSH port, to produce real network faults: a reset
 * connection, a server that never speaks, a link that goes quiet. It only ever connects to 127.0.0.1.
 */
export class TcpProxy {
  /** Connections accepted so far. */
  accepted = 0;
  private readonly sockets = new Set<Socket>();
  private paused = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, behaviour: (index: number) => ProxyBehaviour): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no TCP port');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.accept(client, behaviour(proxy.accepted++), targetPort));
    return proxy;
  }

  /** Stops passing bytes either way while keeping the sockets open: a link that went quiet. */
  pause(): void {
    this.paused = true;
  }

  /** Resets every connection: the server side went away. */
  resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, behaviour: ProxyBehaviour, targetPort: number): void {
    this.track(client);
    client.on('error', () => undefined);
    if (behaviour === 'reset') return void client.resetAndDestroy();
    if (behaviour === 'silent') return;
    const upstream = this.track(createConnection(targetPort, '127.0.0.1'));
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk) => this.paused || upstream.write(chunk));
    upstream.on('data', (chunk) => this.paused || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
