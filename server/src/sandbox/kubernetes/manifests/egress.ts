import { isIP } from 'node:net';
import type { NetworkPolicy, NetworkPolicyPeer } from '../types.ts';

type EgressRule = NonNullable<NetworkPolicy['spec']['egress']>[number];

/**
 * The egress a sandbox pod gets: cluster DNS and Paddock's egress proxy, nothing else.
 * The proxy enforces the agent's egressAllow (host names, wildcards, ports, private
 * ranges) and holds the credentials; the NetworkPolicy makes it the only way out.
 */
export type EgressPlan = { rules: EgressRule[] };

/** Label of the egress proxy's pods (the chart's egress Deployment). */
export const EGRESS_COMPONENT = 'egress';

const DNS_RULE: EgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/**
 * The proxy's pods, by label in the platform namespace; an operator who points
 * PADDOCK_EGRESS_URL at an address gets that address instead.
 */
export function planEgress(input: { egressUrl: string; platformNamespace: string }): EgressPlan {
  const url = new URL(input.egressUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const peer: NetworkPolicyPeer = isIP(host)
    ? { ipBlock: { cidr: isIP(host) === 6 ? `${host}/128` : `${host}/32` } }
    : {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': input.platformNamespace } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'paddock', 'app.kubernetes.io/component': EGRESS_COMPONENT } },
      };
  return { rules: [DNS_RULE, { to: [peer], ports: [{ protocol: 'TCP', port }] }] };
}
