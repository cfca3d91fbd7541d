import { builder } from './builder.ts';

export type UsageShape = { inputTokens: number; outputTokens: number; costUsd?: number | null };

/** Token counts as reported by the model. */
export const Usage = builder.objectRef<UsageShape>('Usage').implement({
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    totalTokens: t.int({ resolve: (u) => u.inputTokens + u.outputTokens }),
    costUsd: t.float({
      nullable: true,
      description: 'What it cost in US dollars at the known model prices; null where no price is known.',
      resolve: (u) => u.costUsd ?? null,
    }),
  }),
});
