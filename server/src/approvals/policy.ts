import { z } from 'zod';
import type { ToolRule } from '@paddock/harness-runtime/api';

export const POLICY_LIMITS = { rules: 100, glob: 500 } as const;

/**
 * Adapters whose runtime keeps the agent's process waiting on a paused turn's decision
 * (Claude Code's unanswered permission request, Codex's unanswered approval request), so
 * the decision reaches the very process that asked as long as the sandbox stays.
 */
export const HOLDING_ADAPTERS: readonly string[] = ['claude-code', 'codex'];

export type ToolRuleInput = { tool: string; commandPattern?: string | null; action: 'ALLOW' | 'ASK' | 'DENY' };

/** `toolPolicy` of the agent inputs: rules in order, the first match wins, no match allows. */
export const toolPolicySchema = z
  .array(
    z.object({
      tool: z.string().trim().min(1, 'must not be empty (use "*" for every tool)').max(200, 'must be at most 200 characters'),
      commandPattern: z
        .string()
        .trim()
        .min(1, 'must not be empty; leave it out to match every call of the tool')
        .max(POLICY_LIMITS.glob, `must be at most ${POLICY_LIMITS.glob} characters`)
        .nullish()
        .transform((p) => p ?? null),
      action: z.enum(['ALLOW', 'ASK', 'DENY']),
    }),
  )
  .max(POLICY_LIMITS.rules, `may hold at most ${POLICY_LIMITS.rules} rules`);

/** A stored policy, as the runtime takes it. Stored policies were validated; one that no longer parses fails loudly rather than allowing everything. */
export function storedPolicy(value: unknown): ToolRule[] {
  return toolPolicySchema.parse(value);
}
