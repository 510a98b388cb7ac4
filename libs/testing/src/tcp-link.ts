import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP link to a real server (PostgreSQL, Redis) that a test can cut and restore: the service under
 * test connects to the link's port, the link forwards every byte to the real server. Cutting it
 * resets every open connection and refuses new ones, which is what the service sees when the server
 * dies; restoring it listens again on the same port. Nothing is mocked: the protocol is the real one.
 */
export class TcpLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A link to the server of a URL (postgres://, redis://). */
  static to(url: string): TcpLink {
    const u = new URL(url);
    return new TcpLink(u.hostname, Number(u.port));
  }

  /** The URL with its host and port replaced by this link's (after `restore` has taken a port). */
  through(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Listens (on the same port as before once a port was taken) and forwards. */
  async restore(): Promise<number> {
    if (this.server) return this.port;
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    return this.port;
  }

  /** The server "dies": open connections are reset, new ones refused, until `restore`. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
