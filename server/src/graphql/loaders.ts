import DataLoader from 'dataloader';
import type { AgentRow } from '../agents/service.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Services } from '../services.ts';

/** Per-request batch loaders, so a page of sessions loads its agents in one query. */
export function createLoaders(services: Services, viewer: Viewer | null) {
  return {
    agent: new DataLoader<string, AgentRow | null>(async (ids) => {
      if (!viewer) return ids.map(() => null);
      const rows = await services.agents.findMany(viewer, ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
