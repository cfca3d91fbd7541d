/**
 * The egress proxy alone in a process, for `pnpm bench:egress`: its CPU time is then
 * the proxy's own. Told the echo ports and CAs over IPC, it answers with its address
 * and, on request, its CPU usage.
 */
import { CertificateAuthority, createAuthority } from '../../src/egress/authority.ts';
import { EgressProxy } from '../../src/egress/proxy.ts';
import { parseRules, PrivateAllowList } from '../../src/egress/rules.ts';
import { createLogger } from '../../src/log/index.ts';

type Setup = { httpPort: number; httpsPort: number; upstreamCa: string; placeholder: string; secret: string };

process.once('message', async (setup: Setup) => {
  const created = createAuthority();
  const authority = new CertificateAuthority(created.certPem, created.keyPem);
  const grant = {
    sessionId: '00000000-0000-7000-8000-000000000000',
    rules: parseRules(['127.0.0.1', 'tunnel.bench']),
    gateway: null,
    // A secret for 127.0.0.1 makes HTTPS to it intercepted: the expensive path.
    substitutions: [{ name: 'TOKEN', placeholder: setup.placeholder, value: setup.secret, rules: parseRules(['127.0.0.1']) }],
    mcpEndpoints: [],
  };
  const proxy = new EgressProxy({
    grants: { resolve: async (token) => (token === 'bench' ? grant : null) },
    authority,
    privateAllow: PrivateAllowList.parse('127.0.0.1/32'),
    log: createLogger('egress-bench', 'silent'),
    onBlocked: () => undefined,
    lookup: async () => ['127.0.0.1'],
    upstreamCa: [setup.upstreamCa],
  });
  const address = await proxy.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (message: string) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  process.send!({ address, ca: authority.certPem });
});
