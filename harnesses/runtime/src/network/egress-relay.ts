import { connect, createServer, type Server } from 'node:net';
import type { Logger } from '../log.ts';

/**
 * Relays connections from a loopback port to the platform's egress proxy socket, byte
 * for byte. A local sandbox has a network namespace of its own with loopback only, so
 * this port (what HTTP_PROXY names) is its one way out; the proxy authenticates and
 * filters every request.
 */
export function startEgressRelay({ socket, port, log }: { socket: string; port: number; log: Logger }): Promise<Server> {
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect(socket);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', (error) => {
      log.warn({ err: error }, 'egress proxy unreachable');
      close();
    });
    client.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
