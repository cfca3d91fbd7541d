import { builder } from '../graphql/builder.ts';

export const SessionMode = builder.enumType('SessionMode', {
  description: 'NEW_SESSION: every run starts a session of its own. REUSE_SESSION: every run sends its prompt to one session, made anew if it was ended.',
  values: ['NEW_SESSION', 'REUSE_SESSION'] as const,
});

export const AutomationRunOutcome = builder.enumType('AutomationRunOutcome', {
  description:
    'PENDING: being started. STARTED: its prompt was sent. QUEUED: waiting for the previous run to finish. SKIPPED: not run because the previous run was still answering. MISSED: due while no worker was running. FAILED: could not start (see error).',
  values: ['PENDING', 'STARTED', 'QUEUED', 'SKIPPED', 'MISSED', 'FAILED'] as const,
});

export const connectionComplexity = (args: { first?: number | null; last?: number | null }) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 });
