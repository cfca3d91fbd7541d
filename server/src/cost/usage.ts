/**
 * Token counts as reported by the model, and what they cost. `costUsd` and
 * `unpricedTokens` are absent where cost is not tracked (then costUsd reads null).
 */
export type UsageShape = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** US dollars of the priced part of the usage. */
  costUsd?: number | null;
  /** Tokens of models without a known price, not in costUsd. */
  unpricedTokens?: number;
};
