import type pg from 'pg';
import type { ApprovalService } from '../approvals/service.ts';
import { sqlPool, type Db, type Message, type Sandbox, type Session, type SessionEvent, type SessionStatus } from '../db/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import { badInput, noTurnRunning, notFound, sessionEnded, turnRunning, turnStopping } from '../errors/index.ts';
import { newId } from '../ids/index.ts';
import { withDbRetry } from '../db/retry.ts';
import { withEvents } from '../events/log.ts';
import type { EventBus } from '../events/bus.ts';
import { enqueue, JOBS } from '../jobs/queue.ts';
import type { Viewer } from '../auth/viewer.ts';
import { enforceTurnQuotas, type TeamQuotas } from '../teams/quotas.ts';
import { traceHeaders } from '../telemetry/tracing.ts';
import { INITIAL_SESSION_STATUS, isBusy, lockSession, moveSession, sessionStatusEvent } from './lifecycle.ts';
import { eventPage, findSession, listSessions, messagePage, type SessionListFilter, type SessionOrder } from './store.ts';

export type SessionRow = Session;
export type SessionFilter = SessionListFilter;

export const MAX_MESSAGE_CHARS = 100_000;
export const MAX_TITLE_CHARS = 200;
/** How long endSession waits for a running turn to stop. */
const END_WAIT_MS = 5_000;

/** Sessions of the viewer's team, their messages and event log. */
export class SessionService {
  readonly #db: Db;
  readonly #pool: pg.Pool;
  readonly #bus: EventBus;
  readonly #quotas: TeamQuotas;
  readonly #approvals: ApprovalService;

  constructor(db: Db, bus: EventBus, quotas: TeamQuotas, approvals: ApprovalService) {
    this.#db = db;
    this.#pool = sqlPool(db);
    this.#bus = bus;
    this.#quotas = quotas;
    this.#approvals = approvals;
  }

  async find(viewer: Viewer, id: string): Promise<SessionRow | null> {
    return findSession(this.#pool, viewer.teamId, id);
  }

  async get(viewer: Viewer, id: string): Promise<SessionRow> {
    const session = await this.find(viewer, id);
    if (!session) throw notFound('Session', id);
    return session;
  }

  /** Newest first unless `order` says otherwise. */
  async list(
    viewer: Viewer,
    filter: SessionFilter,
    window: PageWindow,
    order: SessionOrder = { field: 'CREATED_AT', direction: 'DESC' },
  ): Promise<SessionRow[]> {
    const range = (after: Date | null | undefined, before: Date | null | undefined, field: string) => {
      if (after && before && after >= before) throw badInput(`${field}After must be earlier than ${field}Before.`, `filter.${field}After`);
    };
    range(filter.createdAfter, filter.createdBefore, 'created');
    range(filter.lastActiveAfter, filter.lastActiveBefore, 'lastActive');
    if (filter.minTotalTokens != null && filter.minTotalTokens < 0) throw badInput('minTotalTokens must be 0 or more.', 'filter.minTotalTokens');
    if (filter.minCostUsd != null && !(filter.minCostUsd >= 0)) throw badInput('minCostUsd must be 0 or more.', 'filter.minCostUsd');
    for (const field of ['harness', 'model', 'search', 'toolName'] as const) {
      const value = filter[field];
      if (value != null && (value.trim() === '' || value.length > 200)) throw badInput(`${field} must be 1 to 200 characters.`, `filter.${field}`);
    }
    return listSessions(this.#pool, viewer.teamId, filter, order, window);
  }

  async create(viewer: Viewer, input: { agentId: string; title?: string | null }): Promise<SessionRow> {
    const title = (input.title ?? '').trim();
    if (title.length > MAX_TITLE_CHARS) throw badInput(`title must be at most ${MAX_TITLE_CHARS} characters.`, 'title');
    const agent = await this.#db.agent.findFirst({ where: { id: input.agentId, teamId: viewer.teamId }, select: { id: true } });
    if (!agent) throw notFound('Agent', input.agentId);
    const id = newId();
    const session = await withDbRetry(() =>
      withEvents(this.#db, this.#bus, async ({ tx, append }) => {
        const created = await tx.session.create({ data: { id, teamId: viewer.teamId, agentId: agent.id, title, status: INITIAL_SESSION_STATUS } });
        await append(id, [sessionStatusEvent(INITIAL_SESSION_STATUS)]);
        return created;
      }),
    );
    return { ...session, lastSeq: 1 };
  }

  /**
   * Ends the session: a running turn is cancelled first (waiting a few seconds for its
   * end to be published), then the sandbox is torn down by the worker. The history stays.
   */
  async end(viewer: Viewer, id: string): Promise<SessionRow> {
    await this.get(viewer, id);
    // A message sent while the turn was stopping starts another turn: stop that one too, once.
    for (let attempt = 0; ; attempt++) {
      const outcome = await withDbRetry(() =>
        withEvents(this.#db, this.#bus, async ({ tx, append }) => {
          const from = await lockSession(tx, id);
          if (from === null) throw notFound('Session', id);
          if (from === 'ENDED') return 'ended';
          if (isBusy(from)) return 'busy';
          await tx.session.update({ where: { id }, data: { endedAt: new Date() } });
          await append(id, [await moveSession(tx, id, from, 'ENDED')]);
          await enqueue(tx, JOBS.destroySandbox, { sessionId: id });
          return 'ended';
        }),
      );
      if (outcome === 'ended') return this.get(viewer, id);
      if (attempt > 0) throw turnStopping();
      const ended = this.#turnEnded(id, END_WAIT_MS);
      await this.cancelTurn(viewer, id).catch((error: unknown) => {
        // The turn finished in the meantime: nothing to cancel.
        if ((error as { extensions?: { code?: string } }).extensions?.code !== 'NO_TURN_RUNNING') throw error;
      });
      if (!(await ended)) throw turnStopping();
    }
  }

  /**
   * Stores the user's message, its `user.message` event and a queued turn, and
   * enqueues the turn's job — all in one transaction, so a message is never stored
   * without its turn nor run twice. One turn at a time per session.
   */
  async sendMessage(viewer: Viewer, input: { sessionId: string; content: string }): Promise<Message> {
    const content = input.content;
    if (content.trim().length === 0) throw badInput('content must not be empty.', 'content');
    if (content.length > MAX_MESSAGE_CHARS) throw badInput(`content must be at most ${MAX_MESSAGE_CHARS} characters (got ${content.length}).`, 'content');
    const session = await this.get(viewer, input.sessionId);
    const messageId = newId();
    await withDbRetry(() =>
      withEvents(this.#db, this.#bus, async ({ tx, append }) => {
        const from = await lockSession(tx, session.id);
        if (from === null) throw notFound('Session', session.id);
        if (from === 'ENDED') throw sessionEnded();
        if (isBusy(from)) throw turnRunning();
        const running = await moveSession(tx, session.id, from, 'RUNNING');
        await enforceTurnQuotas(tx, this.#quotas, session.teamId, session.id);
        await tx.message.create({ data: { id: messageId, sessionId: session.id, role: 'USER', content, status: 'COMPLETE', completedAt: new Date() } });
        const turnId = newId();
        // The request's trace continues in the worker that runs the turn.
        const trace = traceHeaders();
        await tx.turn.create({ data: { id: turnId, sessionId: session.id, userMessageId: messageId, ...(trace.traceparent ? { traceContext: trace } : {}) } });
        await enqueue(tx, JOBS.runTurn, { turnId });
        await append(session.id, [{ type: 'user.message', messageId, payload: { content } }, running]);
      }),
    );
    return this.#db.message.findUniqueOrThrow({ where: { id: messageId } });
  }

  /** Asks the worker running the session's turn to stop it; it records turn.cancelled. */
  async cancelTurn(viewer: Viewer, sessionId: string): Promise<SessionRow> {
    const session = await this.get(viewer, sessionId);
    // A paused turn has no worker to tell: it is queued again, cancelled, and a worker ends it.
    if (await this.#approvals.cancelPaused(session.id)) return session;
    const turn = await this.#db.turn.findFirst({ where: { sessionId: session.id, status: { in: ['QUEUED', 'RUNNING'] } }, orderBy: { id: 'desc' } });
    if (!turn) throw noTurnRunning();
    await this.#db.turn.update({ where: { id: turn.id }, data: { cancelRequestedAt: new Date() } });
    this.#bus.publishControl({ kind: 'cancel', sessionId: session.id, turnId: turn.id });
    return session;
  }

  /** Called by the worker after it suspended an idle session's sandbox; a session that got a message meanwhile stays as it is. */
  async markSuspended(sessionId: string): Promise<void> {
    await withDbRetry(() =>
      withEvents(this.#db, this.#bus, async ({ tx, append }) => {
        const from = await lockSession(tx, sessionId);
        if (from === 'IDLE') await append(sessionId, [await moveSession(tx, sessionId, from, 'SUSPENDED')]);
      }),
    );
  }

  /**
   * Resolves true once the session's turn has ended (its session.status leaves
   * RUNNING/PROVISIONING), false after `timeoutMs`. Listens on the event bus; the stored
   * status is read once listening (an end published before) and whenever the bus may
   * have missed events.
   */
  #turnEnded(sessionId: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      let unsubscribe = () => {};
      const timer = setTimeout(() => settle(false), timeoutMs);
      function settle(ended: boolean) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(ended);
      }
      const check = () =>
        void this.#db.session.findUnique({ where: { id: sessionId }, select: { status: true } }).then(
          (row) => (!row || !isBusy(row.status)) && settle(true),
          () => undefined,
        );
      unsubscribe = this.#bus.subscribe(
        sessionId,
        (event) => {
          const status = (event.payload as { status?: SessionStatus } | null)?.status;
          if (event.type === 'session.status' && status && !isBusy(status)) settle(true);
        },
        check,
      );
      check();
    });
  }

  /** Oldest first: `after` moves toward newer messages. */
  async messages(sessionId: string, window: PageWindow): Promise<Message[]> {
    return messagePage(this.#pool, sessionId, window);
  }

  async lastStoredSeqs(sessionIds: readonly string[]): Promise<number[]> {
    const rows = await this.#db.sessionEvent.groupBy({ by: ['sessionId'], where: { sessionId: { in: [...sessionIds] } }, _max: { seq: true } });
    const bySession = new Map(rows.map((r) => [r.sessionId, r._max.seq ?? 0]));
    return sessionIds.map((id) => bySession.get(id) ?? 0);
  }

  /** The visible reasoning of these messages (their message.thinking deltas joined), '' where none. */
  async thinking(messages: readonly { id: string; sessionId: string }[]): Promise<string[]> {
    const rows = await this.#db.sessionEvent.findMany({
      where: { sessionId: { in: [...new Set(messages.map((m) => m.sessionId))] }, messageId: { in: messages.map((m) => m.id) }, type: 'message.thinking' },
      select: { messageId: true, delta: true },
      orderBy: [{ sessionId: 'asc' }, { seq: 'asc' }],
    });
    const byMessage = new Map<string, string>();
    for (const row of rows) if (row.messageId) byMessage.set(row.messageId, (byMessage.get(row.messageId) ?? '') + (row.delta ?? ''));
    return messages.map((m) => byMessage.get(m.id) ?? '');
  }

  /** Sandboxes of these sessions, for the API's batch loader. */
  async sandboxes(sessionIds: readonly string[]): Promise<Sandbox[]> {
    return this.#db.sandbox.findMany({ where: { sessionId: { in: [...sessionIds] } } });
  }

  async findMessage(viewer: Viewer, id: string): Promise<Message | null> {
    return this.#db.message.findFirst({ where: { id, session: { teamId: viewer.teamId } } });
  }

  /** Stored events with after < seq <= upTo, oldest first. */
  async events(sessionId: string, { after, upTo, first }: { after: number; upTo: number; first: number }): Promise<SessionEvent[]> {
    return eventPage(this.#pool, sessionId, { after, upTo, limit: first });
  }

  /** A page of the event log for a Relay connection; the window's keys are seqs. */
  async eventWindow(sessionId: string, window: PageWindow<number>, upTo: number, types: readonly string[] | null): Promise<SessionEvent[]> {
    return eventPage(this.#pool, sessionId, { after: window.after, before: window.before, upTo, limit: window.limit, backward: window.backward, types });
  }
}
