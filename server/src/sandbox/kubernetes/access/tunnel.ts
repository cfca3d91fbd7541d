import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../../log/index.ts';
import type { Upstream } from './gateway.ts';

type Tunnel = { server: Server; upstream: Upstream; target: string; sockets: Set<Socket> };

/**
 * `kubectl port-forward` for Paddock running outside the cluster: a loopback listener
 * per sandbox pod, each accepted connection carried over its own `pods/portforward`
 * WebSocket through the API server. Port-forwarding enters the pod's network
 * namespace, so the runtime sees the request (and its Authorization header) intact,
 * which the API server's pods/proxy would strip.
 */
export class PortForwardTunnels {
  readonly #forward: PortForward;
  readonly #log: Logger;
  readonly #tunnels = new Map<string, Tunnel>();

  constructor(kubeConfig: KubeConfig, log: Logger) {
    this.#forward = new PortForward(kubeConfig, true);
    this.#log = log;
  }

  /** The local address that reaches `namespace/pod:port`; reuses an open tunnel. */
  async open(key: string, namespace: string, pod: string, port: number): Promise<Upstream> {
    const target = `${namespace}/${pod}:${port}`;
    const existing = this.#tunnels.get(key);
    if (existing?.target === target) return existing.upstream;
    if (existing) this.close(key);
    const sockets = new Set<Socket>();
    const server = createServer((socket) => this.#connect(socket, namespace, pod, port, sockets));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const upstream = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    this.#tunnels.set(key, { server, upstream, target, sockets });
    return upstream;
  }

  close(key: string): void {
    const tunnel = this.#tunnels.get(key);
    if (!tunnel) return;
    this.#tunnels.delete(key);
    for (const socket of tunnel.sockets) socket.destroy();
    tunnel.server.close();
  }

  closeAll(): void {
    for (const key of [...this.#tunnels.keys()]) this.close(key);
  }

  #connect(socket: Socket, namespace: string, pod: string, port: number, sockets: Set<Socket>): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const errors = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        // The first frame on the error channel is only the port number; anything else is fatal.
        const message = chunk.toString('utf8').trim();
        if (message) {
          this.#log.warn({ pod: `${namespace}/${pod}`, port, message }, 'port-forward error');
          socket.destroy();
        }
        done();
      },
    });
    this.#forward
      .portForward(namespace, pod, [port], socket, errors, socket)
      .then((ws) => {
        if (typeof ws === 'function') return;
        ws.on('close', () => socket.end());
        socket.once('close', () => ws.close());
      })
      .catch((error: unknown) => {
        this.#log.debug({ err: error, pod: `${namespace}/${pod}` }, 'port-forward failed');
        socket.destroy();
      });
  }
}
