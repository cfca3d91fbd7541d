import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import type { createConfiguration, RequestContext, ResponseContext } from '@kubernetes/client-node';

type PromiseMiddleware = NonNullable<NonNullable<Parameters<typeof createConfiguration>[0]>['promiseMiddleware']>[number];

/**
 * client-node builds a fresh https.Agent for every request, so every API call pays a
 * TCP and TLS handshake. This middleware swaps it for a keep-alive agent with the same
 * TLS material (keyed by it, so rotated client certificates get their own pool).
 * Proxy agents are left alone.
 */
export function keepAliveAgents(): PromiseMiddleware {
  const pools = new Map<string, Agent>();
  return {
    async pre(context: RequestContext): Promise<RequestContext> {
      const fresh = context.getAgent();
      if (!(fresh instanceof Agent) || fresh.constructor !== Agent) return context;
      const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = fresh.options;
      const id = createHash('sha256')
        .update(JSON.stringify([ca, cert, key, pfx, passphrase, rejectUnauthorized, servername].map((v) => (v === undefined ? null : String(v)))))
        .digest('hex');
      let pooled = pools.get(id);
      if (!pooled) {
        pooled = new Agent({ ...fresh.options, keepAlive: true, maxSockets: 64 });
        pools.set(id, pooled);
      }
      context.setAgent(pooled);
      return context;
    },
    async post(context: ResponseContext): Promise<ResponseContext> {
      return context;
    },
  };
}
