import type { ToolRule as ToolRuleValue } from '@paddock/harness-runtime/api';
import type { ToolApproval as ToolApprovalRow } from '../db/index.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';

const ToolAction = builder.enumType('ToolAction', {
  description: 'ALLOW runs the call, DENY answers it with an error, ASK pauses the turn until a person approves or denies it.',
  values: ['ALLOW', 'ASK', 'DENY'] as const,
});

export const ToolRule = builder.objectRef<ToolRuleValue>('ToolRule').implement({
  fields: (t) => ({
    tool: t.exposeString('tool', { description: 'Glob over tool names (`*` any characters, `?` one): `run_command`, `github__*`.' }),
    commandPattern: t.string({
      nullable: true,
      description: 'Glob over the shell command of a call (`git push*`); the rule then matches only calls that run one.',
      resolve: (rule) => rule.commandPattern ?? null,
    }),
    action: t.field({ type: ToolAction, resolve: (rule) => rule.action }),
  }),
});

export const ToolRuleInput = builder.inputType('ToolRuleInput', {
  fields: (t) => ({
    tool: t.string({ required: true }),
    commandPattern: t.string(),
    action: t.field({ type: ToolAction, required: true }),
  }),
});

export const ToolApprovalStatus = builder.enumType('ToolApprovalStatus', { values: ['PENDING', 'APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED'] as const });

export const ToolApproval = builder.objectRef<ToolApprovalRow>('ToolApproval').implement({
  description: "A tool call the agent's policy held for a person.",
  fields: (t) => ({
    toolCallId: t.exposeString('toolCallId'),
    tool: t.exposeString('tool'),
    server: t.exposeString('server', { nullable: true, description: 'The MCP server of the tool, if it is one.' }),
    input: t.field({ type: 'JSON', resolve: (a) => a.input }),
    rule: t.field({ type: ToolRule, description: 'The policy rule that asked.', resolve: (a) => a.rule as unknown as ToolRuleValue }),
    status: t.field({ type: ToolApprovalStatus, resolve: (a) => a.status }),
    reason: t.exposeString('reason', { nullable: true }),
    decidedBy: t.exposeString('decidedBy', { nullable: true, description: 'Name of the API key that decided.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'Denied as expired at this time (PADDOCK_APPROVAL_TIMEOUT_SECONDS).' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.mutationFields((t) => ({
  approveToolCall: t.field({
    type: ToolApproval,
    description: 'Runs a tool call that awaits approval; the turn continues.',
    authScopes: { writer: true },
    args: { sessionId: t.arg.globalID({ required: true }), toolCallId: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.services.approvals.approve(viewerOf(ctx), sessionIdOf(args.sessionId), args.toolCallId),
  }),
  denyToolCall: t.field({
    type: ToolApproval,
    description: "Refuses a tool call that awaits approval: the model gets the reason as the tool's error and the turn continues.",
    authScopes: { writer: true },
    args: { sessionId: t.arg.globalID({ required: true }), toolCallId: t.arg.string({ required: true }), reason: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.approvals.deny(viewerOf(ctx), sessionIdOf(args.sessionId), args.toolCallId, args.reason),
  }),
}));

/** A session id of another type matches no session, so it is answered NOT_FOUND like a stranger's. */
function sessionIdOf(id: { typename: string; id: string }): string {
  return id.typename === 'Session' ? id.id : '00000000-0000-0000-0000-000000000000';
}
