import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../types.ts';

type EgressRule = NonNullable<NetworkPolicy['spec']['egress']>[number];

/** Resolves a host name to addresses; injectable so rendering is deterministic in tests. */
export type HostResolver = (host: string) => Promise<string[]>;

export const dnsResolver: HostResolver = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

/**
 * The egress a sandbox gets. NetworkPolicy only knows IP blocks and label selectors,
 * so host names are resolved here, when the policy is rendered, to /32 (/128) blocks;
 * Paddock re-renders on its reconcile interval, but hosts whose addresses rotate
 * faster (CDNs) need CIDRs or an egress proxy. Wildcards cannot be enforced at all
 * and are reported, never silently widened.
 */
export type EgressPlan = {
  rules: EgressRule[];
  /** host → addresses it was resolved to. */
  resolved: Record<string, string[]>;
  /** Entries no rule enforces, with the reason. */
  unenforced: string[];
};

const DNS_RULE: EgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/** `a.b.c.d/n` with host bits cleared, as Kubernetes stores it. */
export function canonicalCidr(entry: string): string | null {
  const [ip, bitsText] = entry.split('/');
  if (!ip || isIP(ip) !== 4) return null;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const octetValues = ip.split('.').map(Number);
  if (octetValues.some((o) => o > 255)) return null;
  const value = octetValues.reduce((acc, octet) => acc * 256 + octet, 0);
  const network = value - (value % 2 ** (32 - bits));
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${octets.join('.')}/${bits}`;
}

const hostBlock = (address: string): NetworkPolicyPeer => ({ ipBlock: { cidr: isIP(address) === 6 ? `${address}/128` : `${address}/32` } });

/** `name.namespace.svc[.cluster-domain]` → the namespace; such services are reached by pod, not ClusterIP. */
function clusterServiceNamespace(host: string): string | null {
  const parts = host.split('.');
  if (parts.length >= 3 && parts[2] === 'svc') return parts[1] ?? null;
  return null;
}

async function resolveHost(host: string, resolve: HostResolver): Promise<string[] | Error> {
  try {
    const addresses = [...new Set(await resolve(host))].sort();
    return addresses.length > 0 ? addresses : new Error('no addresses');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The gateway: one port on whatever its URL names. */
async function gatewayRule(gatewayUrl: string, resolve: HostResolver, plan: EgressPlan): Promise<EgressRule | null> {
  const url = new URL(gatewayUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const ports: NetworkPolicyPort[] = [{ protocol: 'TCP', port }];
  if (isIP(host)) return { to: [hostBlock(host)], ports };
  const namespace = clusterServiceNamespace(host);
  if (namespace) return { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }], ports };
  const addresses = await resolveHost(host, resolve);
  if (addresses instanceof Error) {
    plan.unenforced.push(`${host} (gateway; could not be resolved: ${addresses.message})`);
    return null;
  }
  plan.resolved[host] = addresses;
  return { to: addresses.map(hostBlock), ports };
}

export async function planEgress(input: { gatewayUrl: string | undefined; egressAllow: readonly string[] }, resolve: HostResolver = dnsResolver): Promise<EgressPlan> {
  const plan: EgressPlan = { rules: [DNS_RULE], resolved: {}, unenforced: [] };
  if (input.gatewayUrl) {
    const rule = await gatewayRule(input.gatewayUrl, resolve, plan);
    if (rule) plan.rules.push(rule);
  }
  const peers: NetworkPolicyPeer[] = [];
  for (const raw of [...new Set(input.egressAllow.map((e) => e.trim().toLowerCase()))].sort()) {
    const cidr = canonicalCidr(raw);
    if (cidr) {
      peers.push({ ipBlock: { cidr } });
    } else if (raw.startsWith('*.')) {
      plan.unenforced.push(`${raw} (wildcards cannot be expressed in a NetworkPolicy; list the hosts or their CIDRs)`);
    } else {
      const addresses = await resolveHost(raw, resolve);
      if (addresses instanceof Error) {
        plan.unenforced.push(`${raw} (could not be resolved: ${addresses.message})`);
        continue;
      }
      plan.resolved[raw] = addresses;
      peers.push(...addresses.map(hostBlock));
    }
  }
  if (peers.length > 0) plan.rules.push({ to: dedupePeers(peers) });
  return plan;
}

function dedupePeers(peers: NetworkPolicyPeer[]): NetworkPolicyPeer[] {
  const seen = new Set<string>();
  return peers.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
