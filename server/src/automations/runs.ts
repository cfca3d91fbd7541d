import type { AutomationSessionMode, Db } from '../db/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { SessionService } from '../sessions/service.ts';

/** Who a schedule or trigger acts as: a MEMBER of its team, named after it in logs. */
export function automationViewer(kind: 'schedule' | 'trigger', automation: { id: string; teamId: string; name: string }): Viewer {
  return { keyId: `${kind}:${automation.id}`, keyName: `${kind} ${automation.name}`, teamId: automation.teamId, role: 'MEMBER' };
}

export type RunTarget = {
  kind: 'schedule' | 'trigger';
  id: string;
  teamId: string;
  agentId: string;
  name: string;
  sessionMode: AutomationSessionMode;
  /** REUSE_SESSION: the session kept so far. */
  sessionId: string | null;
};

export type StartResult =
  | { kind: 'started'; sessionId: string }
  /** The session it must talk to is still answering. */
  | { kind: 'busy'; sessionId: string }
  | { kind: 'failed'; error: string };

const BUSY = new Set(['RUNNING', 'PROVISIONING']);

function codeOf(error: unknown): { code?: string; reason?: string } {
  return ((error as { extensions?: { code?: string; reason?: string } }).extensions ?? {}) as { code?: string; reason?: string };
}

/**
 * Starts one run of a schedule or trigger: sends the prompt to a new session, or to the
 * session the automation keeps (made anew when it was ended or deleted). Goes through the
 * session service, so quotas, the one-turn-at-a-time rule and the event log apply as for
 * any message.
 */
export class RunStarter {
  readonly #db: Db;
  readonly #sessions: SessionService;

  constructor(db: Db, sessions: SessionService) {
    this.#db = db;
    this.#sessions = sessions;
  }

  /** Whether a session is answering a message now. */
  async isBusy(sessionId: string | null): Promise<boolean> {
    if (!sessionId) return false;
    const session = await this.#db.session.findUnique({ where: { id: sessionId }, select: { status: true } });
    return session !== null && BUSY.has(session.status);
  }

  async start(target: RunTarget, prompt: string, title: string): Promise<StartResult> {
    const viewer = automationViewer(target.kind, target);
    try {
      let sessionId = target.sessionMode === 'REUSE_SESSION' ? await this.#reusable(target.sessionId) : null;
      if (sessionId && BUSY.has((await this.#db.session.findUniqueOrThrow({ where: { id: sessionId } })).status)) return { kind: 'busy', sessionId };
      if (!sessionId) {
        sessionId = (await this.#sessions.create(viewer, { agentId: target.agentId, title })).id;
        if (target.sessionMode === 'REUSE_SESSION') await this.#keep(target, sessionId);
      }
      try {
        await this.#sessions.sendMessage(viewer, { sessionId, content: prompt });
      } catch (error) {
        const { code, reason } = codeOf(error);
        if (code === 'CONFLICT' && reason !== 'QUOTA_EXCEEDED' && (await this.isBusy(sessionId))) return { kind: 'busy', sessionId };
        throw error;
      }
      return { kind: 'started', sessionId };
    } catch (error) {
      const { code } = codeOf(error);
      if (code === undefined) throw error;
      return { kind: 'failed', error: (error as Error).message };
    }
  }

  async #reusable(sessionId: string | null): Promise<string | null> {
    if (!sessionId) return null;
    const session = await this.#db.session.findUnique({ where: { id: sessionId }, select: { status: true } });
    return session && session.status !== 'ENDED' ? sessionId : null;
  }

  async #keep(target: RunTarget, sessionId: string): Promise<void> {
    if (target.kind === 'schedule') await this.#db.schedule.update({ where: { id: target.id }, data: { sessionId } });
    else await this.#db.trigger.update({ where: { id: target.id }, data: { sessionId } });
    target.sessionId = sessionId;
  }
}
