import net from 'node:net';

/** The port Paddock should listen on is taken: reported as one line, never a stack. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(host: string, port: number) {
    super(`Port ${port} on ${host} is already in use (is Paddock already running?). Stop that process, or set PORT to a free port, e.g. PORT=${port + 1}.`);
  }
}

/** Throws PortInUseError when `host:port` cannot be bound; binds nothing otherwise. */
export async function ensurePortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
