import { z } from 'zod';
import { ENV_NAME_PATTERN, RESERVED_SANDBOX_ENV } from '../config/index.ts';
import { type PrivateAllowList } from '../egress/rules.ts';
import { egressEntry } from '../egress/entry-schema.ts';
import { badInput } from '../errors/index.ts';
import { toolPolicySchema, type ToolRuleInput } from '../approvals/policy.ts';
import { mcpServersSchema, type McpServerInput } from '../mcp/validation.ts';

export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const LIMITS = {
  description: 2_000,
  model: 200,
  systemPrompt: 100_000,
  envVars: 100,
  envValueBytes: 32 * 1024,
  egressEntries: 100,
} as const;

export type EnvVarInput = { name: string; value: string; hosts?: string[] | null };
export type AgentInput = {
  name?: string | null;
  description?: string | null;
  harness?: string | null;
  model?: string | null;
  systemPrompt?: string | null;
  env?: EnvVarInput[] | null;
  removeEnv?: string[] | null;
  egressAllow?: string[] | null;
  mcpServers?: McpServerInput[] | null;
  toolPolicy?: ToolRuleInput[] | null;
};

const envName = z
  .string()
  .max(128, 'is longer than 128 characters')
  .regex(ENV_NAME_PATTERN, 'must match [A-Z_][A-Z0-9_]* (uppercase letters, digits, underscores)')
  .refine((name) => !RESERVED_SANDBOX_ENV.has(name), 'is set by Paddock inside sandboxes and cannot be overridden');

const schemas = (privateAllow: PrivateAllowList) => {
  const fields = {
    name: z
      .string()
      .max(63, 'must be at most 63 characters')
      .regex(DNS_1123_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit'),
    description: z.string().max(LIMITS.description, `must be at most ${LIMITS.description} characters`),
    harness: z.string().min(1, 'is required'),
    model: z.string().trim().min(1, 'must not be empty').max(LIMITS.model, `must be at most ${LIMITS.model} characters`),
    systemPrompt: z.string().max(LIMITS.systemPrompt, `must be at most ${LIMITS.systemPrompt} characters`),
    env: z
      .array(
        z.object({
          name: envName,
          value: z.string().refine((v) => Buffer.byteLength(v) <= LIMITS.envValueBytes, `must be at most ${LIMITS.envValueBytes} bytes`),
          hosts: z
            .array(egressEntry(privateAllow))
            .max(LIMITS.egressEntries, `may hold at most ${LIMITS.egressEntries} entries`)
            .nullish()
            .transform((hosts) => hosts ?? null),
        }),
      )
      .max(LIMITS.envVars, `may hold at most ${LIMITS.envVars} variables`)
      .refine((vars) => new Set(vars.map((v) => v.name)).size === vars.length, 'names a variable twice'),
    removeEnv: z.array(envName).max(LIMITS.envVars),
    egressAllow: z.array(egressEntry(privateAllow)).max(LIMITS.egressEntries, `may hold at most ${LIMITS.egressEntries} entries`),
    mcpServers: mcpServersSchema(privateAllow),
    toolPolicy: toolPolicySchema,
  };

  const createSchema = z.object({
    ...fields,
    description: fields.description.optional(),
    model: fields.model.optional(),
    systemPrompt: fields.systemPrompt.optional(),
    env: fields.env.optional(),
    removeEnv: z.undefined({ error: 'only applies to updateAgent' }).optional(),
    egressAllow: fields.egressAllow.optional(),
    mcpServers: fields.mcpServers.optional(),
    toolPolicy: fields.toolPolicy.optional(),
  });
  const updateSchema = z.object(fields).partial();
  return { createSchema, updateSchema };
};

export type ParsedAgentInput = z.infer<ReturnType<typeof schemas>['updateSchema']>;

/** Validates agent input; the first problem becomes a BAD_USER_INPUT naming the field. */
export function parseAgentInput(raw: AgentInput, mode: 'create' | 'update', privateAllow: PrivateAllowList): ParsedAgentInput {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null && v !== undefined));
  const { createSchema, updateSchema } = schemas(privateAllow);
  const result = (mode === 'create' ? createSchema : updateSchema).safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const shown =
      issue.path.length > 0
        ? issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : p))
            .join('.')
            .replaceAll('.[', '[')
        : 'input';
    throw badInput(`${shown} ${issue.message}.`, field || undefined);
  }
  return result.data;
}
