import type { SessionEventInput } from '@paddock/events';
import type { ApprovalDecision } from '@paddock/harness-runtime/api';
import type { Viewer } from '../auth/viewer.ts';
import type { Db, Prisma, ToolApproval, ToolApprovalStatus } from '../db/index.ts';
import { withDbRetry } from '../db/retry.ts';
import { badInput, conflict, notFound } from '../errors/index.ts';
import type { EventBus } from '../events/bus.ts';
import { appendEvents } from '../events/log.ts';
import { newId } from '../ids/index.ts';
import { enqueue, JOBS } from '../jobs/queue.ts';
import { lockSession, moveSession, moveTurn } from '../sessions/lifecycle.ts';

/** Event of a tool call the policy holds for a person; the turn pauses after it. */
export const TOOL_APPROVAL_REQUESTED = 'tool.approval_requested' as const;
/** Event of the decision on it (approved, denied or expired); the turn continues after it. */
export const TOOL_APPROVAL_RESOLVED = 'tool.approval_resolved' as const;

export const MAX_REASON_CHARS = 2_000;

export type ApprovalRequest = {
  sessionId: string;
  turnId: string;
  toolCallId: string;
  tool: string;
  server: string | null;
  input: Record<string, unknown>;
  rule: Record<string, unknown>;
  expiresAt: Date;
};

type Decision = { status: Exclude<ToolApprovalStatus, 'PENDING'>; reason: string | null; by: string | null };

/**
 * Tool calls awaiting a person. A paused turn is durable state, not a held promise: its
 * row says AWAITING_APPROVAL, the call is a ToolApproval row and its expiry a queued job.
 * A decision re-queues the turn's run-turn job, so any worker, after any restart, resumes
 * it by asking the session's runtime to run the pending calls with the decisions.
 */
export class ApprovalService {
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #timeoutMs: number;

  constructor(db: Db, bus: EventBus, timeoutMs: number) {
    this.#db = db;
    this.#bus = bus;
    this.#timeoutMs = timeoutMs;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Stores a pending approval and schedules its expiry, inside the transaction that pauses the turn. */
  async request(tx: Prisma.TransactionClient, request: ApprovalRequest): Promise<void> {
    const id = newId();
    await tx.toolApproval.create({
      data: { id, ...request, input: request.input as Prisma.InputJsonValue, rule: request.rule as Prisma.InputJsonValue },
    });
    await enqueue(tx, JOBS.expireApproval, { approvalId: id }, { runAt: request.expiresAt });
  }

  async pending(sessionId: string): Promise<ToolApproval[]> {
    return this.#db.toolApproval.findMany({ where: { sessionId, status: 'PENDING' }, orderBy: { createdAt: 'asc' } });
  }

  async pendingFor(sessionIds: readonly string[]): Promise<ToolApproval[][]> {
    const rows = await this.#db.toolApproval.findMany({ where: { sessionId: { in: [...sessionIds] }, status: 'PENDING' }, orderBy: { createdAt: 'asc' } });
    return sessionIds.map((id) => rows.filter((r) => r.sessionId === id));
  }

  /** Decisions on a turn's calls so far, for the runtime to continue it with. */
  async decisions(turnId: string): Promise<ApprovalDecision[] | null> {
    const rows = await this.#db.toolApproval.findMany({ where: { turnId, status: { not: 'PENDING' } }, orderBy: { createdAt: 'asc' } });
    if (rows.length === 0) return null;
    return rows.map((r) => ({ toolCallId: r.toolCallId, approved: r.status === 'APPROVED', reason: r.reason }));
  }

  approve(viewer: Viewer, sessionId: string, toolCallId: string): Promise<ToolApproval> {
    return this.#decideAsViewer(viewer, sessionId, toolCallId, { status: 'APPROVED', reason: null, by: viewer.keyName });
  }

  deny(viewer: Viewer, sessionId: string, toolCallId: string, reason: string | null | undefined): Promise<ToolApproval> {
    const text = reason?.trim() ?? '';
    if (text.length > MAX_REASON_CHARS) throw badInput(`reason must be at most ${MAX_REASON_CHARS} characters.`, 'reason');
    return this.#decideAsViewer(viewer, sessionId, toolCallId, { status: 'DENIED', reason: text === '' ? null : text, by: viewer.keyName });
  }

  /** The expiry job: a call still pending at its deadline is denied as expired. */
  async expire(approvalId: string): Promise<void> {
    const approval = await this.#db.toolApproval.findUnique({ where: { id: approvalId } });
    if (!approval || approval.status !== 'PENDING') return;
    const seconds = Math.round(this.#timeoutMs / 1000);
    await this.#decide(approval.sessionId, approval.toolCallId, {
      status: 'EXPIRED',
      reason: `nobody approved the call within ${seconds} s (PADDOCK_APPROVAL_TIMEOUT_SECONDS), so it was not run`,
      by: null,
    });
  }

  /**
   * For cancelTurn: drops the session's pending approvals and re-queues its paused turn
   * marked cancelled, so a worker ends it the usual way. False when no turn is paused.
   */
  async cancelPaused(sessionId: string): Promise<boolean> {
    const events = await withDbRetry(() =>
      this.#db.$transaction(async (tx) => {
        const turn = await tx.turn.findFirst({ where: { sessionId, status: 'AWAITING_APPROVAL' } });
        if (!turn) return null;
        const now = new Date();
        const pending = await tx.toolApproval.findMany({ where: { turnId: turn.id, status: 'PENDING' } });
        await tx.toolApproval.updateMany({
          where: { turnId: turn.id, status: 'PENDING' },
          data: { status: 'CANCELLED', decidedAt: now, reason: 'the turn was cancelled' },
        });
        return this.#requeue(
          tx,
          turn.id,
          sessionId,
          now,
          true,
          pending.map((a): SessionEventInput => ({
            type: TOOL_APPROVAL_RESOLVED,
            payload: { toolCallId: a.toolCallId, tool: a.tool, status: 'CANCELLED', reason: 'the turn was cancelled', decidedBy: null },
          })),
        );
      }),
    );
    if (!events) return false;
    this.#bus.publish(events);
    return true;
  }

  async #decideAsViewer(viewer: Viewer, sessionId: string, toolCallId: string, decision: Decision): Promise<ToolApproval> {
    const session = await this.#db.session.findFirst({ where: { id: sessionId, teamId: viewer.teamId }, select: { id: true } });
    if (!session) throw notFound('Session', sessionId);
    const decided = await this.#decide(sessionId, toolCallId, decision);
    if (decided) return decided;
    const latest = await this.#db.toolApproval.findFirst({ where: { sessionId, toolCallId }, orderBy: { createdAt: 'desc' } });
    if (!latest) throw notFound('Tool call awaiting approval', toolCallId);
    throw conflict(
      `Tool call ${toolCallId} is no longer awaiting approval: it was ${latest.status.toLowerCase()}${latest.decidedBy ? ` by ${latest.decidedBy}` : ''}.`,
    );
  }

  /** Records the decision and re-queues the turn, under the session's row lock; null if the call was not pending. */
  async #decide(sessionId: string, toolCallId: string, decision: Decision): Promise<ToolApproval | null> {
    const result = await withDbRetry(() =>
      this.#db.$transaction(async (tx) => {
        await lockSession(tx, sessionId);
        const approval = await tx.toolApproval.findFirst({ where: { sessionId, toolCallId, status: 'PENDING' } });
        if (!approval) return null;
        const now = new Date();
        const updated = await tx.toolApproval.update({
          where: { id: approval.id },
          data: { status: decision.status, reason: decision.reason, decidedBy: decision.by, decidedAt: now },
        });
        const resolved: SessionEventInput = {
          type: TOOL_APPROVAL_RESOLVED,
          payload: { toolCallId, tool: approval.tool, status: decision.status, reason: decision.reason, decidedBy: decision.by },
        };
        // Another call of the turn may still wait (not today: the runtime pauses on one at a time).
        const waiting = await tx.toolApproval.count({ where: { turnId: approval.turnId, status: 'PENDING' } });
        const events =
          waiting > 0 ? await appendEvents(tx, sessionId, [resolved]) : await this.#requeue(tx, approval.turnId, sessionId, now, false, [resolved]);
        return { updated, events };
      }),
    );
    if (!result) return null;
    this.#bus.publish(result.events);
    return result.updated;
  }

  async #requeue(tx: Prisma.TransactionClient, turnId: string, sessionId: string, now: Date, cancel: boolean, events: SessionEventInput[]) {
    const from = await lockSession(tx, sessionId);
    if (!(await moveTurn(tx, turnId, 'AWAITING_APPROVAL', 'QUEUED', { queuedAt: now, ...(cancel ? { cancelRequestedAt: now } : {}) })))
      return appendEvents(tx, sessionId, events);
    const running = from === 'AWAITING_APPROVAL' ? [await moveSession(tx, sessionId, from, 'RUNNING')] : [];
    await enqueue(tx, JOBS.runTurn, { turnId });
    return appendEvents(tx, sessionId, [...events, ...running]);
  }
}
