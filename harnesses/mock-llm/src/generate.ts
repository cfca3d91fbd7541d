import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestError } from './errors.ts';
import type { MockLlmStats, ResolvedOptions } from './options.ts';
import { Pacer, type Pace } from './pacing.ts';
import type { Plan } from './script.ts';

/** What every route needs from the server. */
export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly stats: MockLlmStats;
  /** Requests seen per conversation, for `/fail … times=N`. */
  readonly attempts: Map<string, number>;
  /** `traceparent` headers received, newest last. */
  readonly traceparents: string[];
}

function headerNumber(req: IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RequestError(400, `Header ${name} must be a non-negative number.`);
  return value;
}

/** Directive beats header beats server default. */
function paceOf(req: IncomingMessage, plan: Plan, options: ResolvedOptions): Pace {
  return {
    tokensPerSecond: plan.pace.tokensPerSecond ?? headerNumber(req, 'x-mock-tokens-per-second') ?? options.tokensPerSecond,
    firstTokenMs: plan.pace.firstTokenMs ?? headerNumber(req, 'x-mock-first-token-ms') ?? options.firstTokenLatencyMs,
    ...(plan.pace.hangAt !== undefined ? { hangAt: plan.pace.hangAt } : {}),
  };
}

/**
 * Runs one paced reply. `start` is when the request arrived, so pacing includes parse time.
 * A client that hangs up stops generation at the next token and is not an error.
 */
export async function generate(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  plan: Plan,
  start: number,
  write: (pacer: Pacer) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  const pacer = new Pacer(paceOf(req, plan, ctx.options), abort.signal, start);
  res.on('close', () => abort.abort());
  ctx.stats.generating++;
  try {
    req.socket.setNoDelay(true);
    await write(pacer);
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    ctx.stats.generating--;
  }
}
