import { z } from 'zod';
import { cliConfigSchema } from './cli-config.ts';

/**
 * The part of a `harnesses/<name>.yaml` definition the runtime acts on. The platform
 * validates the whole file; fields it alone uses (image, resources, ...) pass through.
 */
export const runtimeHarnessSchema = z
  .object({
    name: z.string().min(1),
    adapter: z.string().min(1),
    cli: cliConfigSchema.optional(),
  })
  .loose();

export type RuntimeHarness = z.infer<typeof runtimeHarnessSchema>;
