import { builder } from './builder.ts';

export type UsageShape = { inputTokens: number; outputTokens: number };

/** Token counts as reported by the model. */
export const Usage = builder.objectRef<UsageShape>('Usage').implement({
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    totalTokens: t.int({ resolve: (u) => u.inputTokens + u.outputTokens }),
  }),
});
