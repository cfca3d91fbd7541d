import type { Services } from '../services.ts';
import { loadAuthority, type CertificateAuthority } from './authority.ts';
import { blockedRecorder } from './blocked.ts';
import { DbGrantResolver, type GatewayTarget } from './grants.ts';
import { EgressProxy } from './proxy.ts';

export type Egress = { proxy: EgressProxy; authority: CertificateAuthority; address: string; close(): Promise<void> };

/**
 * Starts the egress proxy on a Unix socket (the worker, for local sandboxes) or a TCP
 * address (`bin/egress.ts`, the Kubernetes Deployment).
 */
export async function startEgress(
  services: Services,
  gateway: GatewayTarget,
  where: { socketPath: string } | { host: string; port: number },
  opts: { upstreamCa?: string[] } = {},
): Promise<Egress> {
  const { db, secrets, bus, log, config } = services;
  const authority = await loadAuthority(db, secrets);
  const recordBlocked = blockedRecorder(db, bus, log);
  const proxy = new EgressProxy({
    grants: new DbGrantResolver({ db, agents: services.agents, gateway }),
    authority,
    privateAllow: config.egress.privateAllow,
    log,
    onBlocked: (blocked) => {
      recordBlocked(blocked);
      services.audit.egressBlocked(blocked);
    },
    ...(opts.upstreamCa ? { upstreamCa: opts.upstreamCa } : {}),
  });
  const address = await proxy.listen(where);
  log.info({ address, privateAllow: config.egress.privateAllow.ranges }, 'egress proxy listening');
  return { proxy, authority, address, close: () => proxy.close() };
}
