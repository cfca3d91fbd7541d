import type { TokenUsage } from '../cost/prices.ts';
import { metrics } from './metrics.ts';

export type TurnMeasurement = {
  outcome: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  harness: string;
  model: string | null;
  durationSeconds: number;
  /** Null when the reply streamed no token. */
  firstTokenSeconds: number | null;
  usage: TokenUsage;
  costUsd: number | null;
};

/** What one ended turn adds to the metrics. */
export function recordTurnMetrics(m: TurnMeasurement): void {
  const outcome = m.outcome.toLowerCase();
  metrics.turnsTotal.inc({ outcome, harness: m.harness });
  metrics.turnDuration.observe({ outcome, harness: m.harness }, m.durationSeconds);
  if (m.firstTokenSeconds !== null) metrics.timeToFirstToken.observe({ harness: m.harness, model: m.model ?? 'unknown' }, m.firstTokenSeconds);
  recordUsageMetrics(m);
}

/** Tokens and cost of one run of a turn; a turn that pauses for approval counts each run as it ends. */
export function recordUsageMetrics(m: Pick<TurnMeasurement, 'model' | 'usage' | 'costUsd'>): void {
  const model = m.model ?? 'unknown';
  const kinds = {
    input: m.usage.inputTokens,
    output: m.usage.outputTokens,
    cache_read: m.usage.cacheReadTokens ?? 0,
    cache_write: m.usage.cacheWriteTokens ?? 0,
  };
  for (const [kind, tokens] of Object.entries(kinds)) if (tokens > 0) metrics.tokensTotal.inc({ model, kind }, tokens);
  if (m.costUsd !== null && m.costUsd > 0) metrics.costUsdTotal.inc({ model }, m.costUsd);
}
