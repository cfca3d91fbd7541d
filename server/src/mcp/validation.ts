import { z } from 'zod';
import { EgressRuleError, validateEgressEntry, type PrivateAllowList } from '../egress/rules.ts';
import { egressEntry } from '../egress/entry-schema.ts';

export const MCP_LIMITS = { servers: 20, headers: 20, headerValueBytes: 16 * 1024, allowedTools: 100, url: 2_000 } as const;

export type McpTransport = 'STREAMABLE_HTTP' | 'SSE';
export type McpHeaderInput = { name: string; value: string; hosts?: string[] | null };
export type McpServerInput = {
  name: string;
  url: string;
  transport?: McpTransport | null;
  /** Omitted on update: the server keeps the header values it has. */
  headers?: McpHeaderInput[] | null;
  allowedTools?: string[] | null;
};

/** Headers the MCP client and the proxy set themselves. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'accept',
  'connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
  'keep-alive',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SERVER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The egress entry (`host:port`) that admits a server URL. */
export function mcpEgressEntry(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  return `${host}:${port}`;
}

/** `mcpServers` of the agent inputs; checked with the rest of the agent. */
export function mcpServersSchema(privateAllow: PrivateAllowList) {
  const header = z.object({
    name: z
      .string()
      .max(128, 'is longer than 128 characters')
      .regex(HEADER_NAME, 'must be an HTTP header name (letters, digits and -)')
      .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the MCP client itself and cannot be configured'),
    value: z
      .string()
      .min(1, 'must not be empty')
      .refine((v) => Buffer.byteLength(v) <= MCP_LIMITS.headerValueBytes, `must be at most ${MCP_LIMITS.headerValueBytes} bytes`)
      .refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks'),
    hosts: z
      .array(egressEntry(privateAllow))
      .max(100)
      .nullish()
      .transform((hosts) => hosts ?? null),
  });
  const server = z
    .object({
      name: z
        .string()
        .max(63, 'must be at most 63 characters')
        .regex(SERVER_NAME, 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit'),
      url: z
        .string()
        .max(MCP_LIMITS.url, `must be at most ${MCP_LIMITS.url} characters`)
        .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), 'must be an absolute http:// or https:// URL')
        .refine(
          (url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''),
          'must not carry credentials; put them in headers, which are kept secret',
        ),
      transport: z
        .enum(['STREAMABLE_HTTP', 'SSE'])
        .nullish()
        .transform((t) => t ?? 'STREAMABLE_HTTP'),
      headers: z
        .array(header)
        .max(MCP_LIMITS.headers, `may hold at most ${MCP_LIMITS.headers} headers`)
        .refine((hs) => new Set(hs.map((h) => h.name.toLowerCase())).size === hs.length, 'names a header twice')
        .nullish()
        .transform((hs) => hs ?? null),
      allowedTools: z
        .array(z.string().min(1, 'must not be empty').max(200))
        .max(MCP_LIMITS.allowedTools)
        .nullish()
        .transform((t) => t ?? []),
    })
    .superRefine((value, ctx) => {
      // The server's host joins the agent's allow-list, so it is held to the same rules.
      if (!URL.canParse(value.url)) return;
      try {
        validateEgressEntry(mcpEgressEntry(value.url), privateAllow);
      } catch (error) {
        if (!(error instanceof EgressRuleError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['url'], message: `is not allowed: ${error.message.replace(/\.$/, '')}` });
      }
    });
  return z
    .array(server)
    .max(MCP_LIMITS.servers, `may hold at most ${MCP_LIMITS.servers} servers`)
    .refine((servers) => new Set(servers.map((s) => s.name)).size === servers.length, 'names a server twice');
}

export type ParsedMcpServer = z.infer<ReturnType<typeof mcpServersSchema>>[number];
