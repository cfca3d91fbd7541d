import DataLoader from 'dataloader';
import type { AgentRow } from '../agents/service.ts';
import type { Sandbox, ToolApproval } from '../db/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Services } from '../services.ts';

/** Per-request batch loaders, so a page of sessions loads its agents and sandboxes in one query each. */
export function createLoaders(services: Services, viewer: Viewer | null) {
  return {
    agent: new DataLoader<string, AgentRow | null>(async (ids) => {
      if (!viewer) return ids.map(() => null);
      const rows = await services.agents.findMany(viewer, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** Newest stored seq by session id (Session.lastSeq also counts seqs reserved by a running turn). */
    lastSeq: new DataLoader<string, number>((sessionIds) => services.sessions.lastStoredSeqs(sessionIds)),
    /** Visible reasoning by message; only for messages the viewer already loaded, so no team check here. */
    thinking: new DataLoader<{ id: string; sessionId: string }, string, string>((messages) => services.sessions.thinking(messages), {
      cacheKeyFn: (m) => m.id,
    }),
    /** By session id; only for sessions the viewer already loaded, so no team check here. */
    sandbox: new DataLoader<string, Sandbox | null>(async (sessionIds) => {
      const rows = await services.sessions.sandboxes(sessionIds);
      const bySession = new Map(rows.map((r) => [r.sessionId, r]));
      return sessionIds.map((id) => bySession.get(id) ?? null);
    }),
    /** By session id; only for sessions the viewer already loaded, so no team check here. */
    pendingApprovals: new DataLoader<string, ToolApproval[]>((sessionIds) => services.approvals.pendingFor(sessionIds)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
