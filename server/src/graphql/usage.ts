import type { UsageShape } from '../cost/usage.ts';
import { builder } from './builder.ts';

/** Token counts as reported by the model, and what they cost (see cost/usage.ts). */
export const Usage = builder.objectRef<UsageShape>('Usage').implement({
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens', { description: 'Prompt tokens, cached ones included.' }),
    outputTokens: t.exposeInt('outputTokens'),
    totalTokens: t.int({ resolve: (u) => u.inputTokens + u.outputTokens }),
    cacheReadTokens: t.int({
      description: "Of inputTokens, those read from the provider's prompt cache (0 where not reported).",
      resolve: (u) => u.cacheReadTokens ?? 0,
    }),
    cacheWriteTokens: t.int({
      description: "Of inputTokens, those written to the provider's prompt cache (0 where not reported).",
      resolve: (u) => u.cacheWriteTokens ?? 0,
    }),
    costUsd: t.float({
      nullable: true,
      description:
        "US dollars, from the model price catalogue or PADDOCK_MODEL_PRICES, priced when each turn ended. Null when the model's price is unknown (for totals: when none of the tokens could be priced; see unpricedTokens).",
      resolve: (u) => {
        if (u.costUsd === undefined || u.costUsd === null) return null;
        return u.costUsd === 0 && (u.unpricedTokens ?? 0) > 0 ? null : u.costUsd;
      },
    }),
    unpricedTokens: t.int({ description: 'Tokens of models without a known price; they are not in costUsd.', resolve: (u) => u.unpricedTokens ?? 0 }),
  }),
});
