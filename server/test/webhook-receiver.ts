import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Received = {
  id: string;
  headers: IncomingMessage['headers'];
  body: string;
  verified: boolean;
  payload: { type: string; timestamp: string; data: Record<string, unknown> } | null;
};

/**
 * A webhook receiver as a team would run one: verifies every request with the
 * `standardwebhooks` library and answers with the next status from `plan` (then 200).
 * A status of 0 never answers (a hung receiver).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret = '';
  plan: number[] = [];
  #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let payload: Received['payload'] = null;
        let verified: boolean;
        try {
          payload = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as Received['payload'];
          verified = true;
        } catch {
          verified = false;
        }
        this.received.push({ id: String(req.headers['webhook-id']), headers: req.headers, body, verified, payload });
        const status = this.plan.shift() ?? 200;
        if (status === 0) return;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status < 300 ? 'thanks' : `failing on purpose with ${status}`);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks/paddock`;
    return this;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
