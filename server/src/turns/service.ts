import type { Db, Turn } from '../db/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { PageWindow } from '../db/page-window.ts';
import type { TurnStep } from './timeline.ts';

export type TurnRow = Turn;

/** Turns of the viewer's sessions: when each was queued, ran and ended, and its steps. */
export class TurnService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async find(viewer: Viewer, id: string): Promise<TurnRow | null> {
    return this.#db.turn.findFirst({ where: { id, session: { teamId: viewer.teamId } } });
  }

  /** Oldest first: `after` moves toward newer turns. */
  async list(sessionId: string, window: PageWindow): Promise<TurnRow[]> {
    return this.#db.turn.findMany({
      where: { sessionId, id: { ...(window.after ? { gt: window.after } : {}), ...(window.before ? { lt: window.before } : {}) } },
      orderBy: { id: window.backward ? 'desc' : 'asc' },
      take: window.limit,
    });
  }
}

/**
 * The steps stored on a turn; only the worker writes them, as TurnTimeline keeps them.
 * A turn that recovery ended (its worker died) may have stored steps still running:
 * they ended with the turn.
 */
export function stepsOf(turn: TurnRow): TurnStep[] {
  const steps = Array.isArray(turn.steps) ? (turn.steps as unknown as TurnStep[]) : [];
  if (turn.status === 'QUEUED' || turn.status === 'RUNNING' || !turn.endedAt) return steps;
  const endedAt = turn.endedAt.getTime();
  const status = turn.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
  return steps.map((step) => (step.status === 'RUNNING' ? { ...step, status, endedAt: step.endedAt ?? endedAt } : step));
}
