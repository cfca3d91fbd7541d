import { CLI_ADAPTERS, cliConfigSchema } from '@paddock/harness-runtime/cli-config';
import { z } from 'zod';

const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'must be a Kubernetes quantity like 500m or 1Gi'), z.number().positive()]);
const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() }).strict();

/** The shape of one `harnesses/<name>.yaml` file. */
export const harnessDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1035 label (lowercase letters, digits and -, at most 63)'),
    displayName: z.string().min(1).max(100),
    description: z.string().min(1).max(2000),
    image: z.string().min(1).max(500),
    command: z.array(z.string().min(1)).min(1),
    port: z.number().int().min(1).max(65535),
    adapter: z.string().regex(/^[a-z][-a-z0-9]*$/, 'must name a runtime adapter such as chat'),
    capabilities: z.array(z.string().regex(/^[a-z][-a-z0-9]*$/)).default([]),
    defaultModel: z.string().min(1).max(200),
    resources: z.object({ requests: resourceList.optional(), limits: resourceList.optional() }).strict().default({}),
    /** For adapters that drive a command-line agent: the program, its arguments and environment (see the runtime's README). */
    cli: cliConfigSchema.optional(),
  })
  .strict()
  .refine((h) => h.cli !== undefined || !CLI_ADAPTERS.includes(h.adapter), {
    path: ['cli'],
    message: 'is required by this adapter: say which program to run (cli.command) and how it reaches the gateway (cli.env)',
  });

export type HarnessDefinition = z.infer<typeof harnessDefinitionSchema>;
