import { lookup } from 'node:dns/promises';
import { McpHub } from '@paddock/harness-runtime/mcp';
import { parseAddress, restrictedReason, type PrivateAllowList } from '../egress/rules.ts';
import type { Logger } from '../log/index.ts';
import type { OpenMcpServer } from './servers.ts';

export type McpProbeResult = { ok: boolean; tools: { name: string; description: string }[]; error: string | null };

/** Time a connection test may take in all. */
const PROBE_TIMEOUT_MS = 20_000;

/**
 * "Test connection" from the agent editor: connects to the server as a sandbox would and
 * lists its tools. It runs in the API, so the server's addresses are held to the egress
 * rules first: a person cannot use it to reach what sandboxes may not.
 */
export async function probeMcpServer(server: OpenMcpServer, privateAllow: PrivateAllowList, log: Logger): Promise<McpProbeResult> {
  const host = new URL(server.url).hostname.replace(/^\[|\]$/g, '');
  try {
    const literal = parseAddress(host);
    const addresses = literal ? [literal.toString()] : (await lookup(host, { all: true })).map((a) => a.address);
    for (const text of addresses) {
      const address = parseAddress(text);
      const reason = address ? restrictedReason(address) : 'unparsable';
      if (reason && !(address && privateAllow.includes(address))) {
        return {
          ok: false,
          tools: [],
          error: `${host} resolves to a ${reason} address (${text}), which sandboxes may not reach; an operator can allow it with PADDOCK_EGRESS_PRIVATE_ALLOW.`,
        };
      }
    }
  } catch (error) {
    return { ok: false, tools: [], error: `Could not resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` };
  }
  const hub = new McpHub(
    [
      {
        name: server.name,
        url: server.url,
        transport: server.transport,
        allowedTools: server.allowedTools,
        headers: Object.fromEntries(server.headers.map((h) => [h.name, h.value])),
      },
    ],
    undefined,
    log,
  );
  try {
    const [failure] = await hub.connect(AbortSignal.timeout(PROBE_TIMEOUT_MS));
    if (failure) return { ok: false, tools: [], error: `Could not connect to ${server.url}: ${failure.error}.` };
    return { ok: true, tools: hub.tools().map((t) => ({ name: t.name, description: t.description })), error: null };
  } finally {
    await hub.close();
  }
}
