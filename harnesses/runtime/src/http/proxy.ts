import type { Dispatcher } from 'undici';
import type * as Undici from './undici.ts';

/** undici, loaded by the first model call: a runtime waiting for its session (a warm sandbox) does without it. */
let undici: Promise<typeof Undici> | undefined;
export const loadUndici = () => (undici ??= import('./undici.ts'));

const agents = new WeakMap<object, Dispatcher | null>();

/**
 * The dispatcher for the runtime's own requests (model calls): through the egress proxy
 * named by the same variables the agent's commands get (`HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY`), or direct when none is set. One agent per environment, so connections
 * to the proxy are reused across calls.
 */
export async function proxyDispatcher(env: Readonly<Record<string, string>>): Promise<Dispatcher | undefined> {
  const { EnvHttpProxyAgent } = await loadUndici();
  const cached = agents.get(env);
  if (cached !== undefined) return cached ?? undefined;
  const httpProxy = env.HTTP_PROXY || env.http_proxy || env.ALL_PROXY || undefined;
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || httpProxy;
  const agent = httpProxy || httpsProxy ? new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: env.NO_PROXY ?? env.no_proxy ?? '' }) : null;
  agents.set(env, agent);
  return agent ?? undefined;
}
