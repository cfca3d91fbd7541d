import { AgentService } from './agents/service.ts';
import { AuthService } from './auth/service.ts';
import type { Config } from './config/index.ts';
import type { Db } from './db/index.ts';
import type { EventBus } from './events/bus.ts';
import type { HarnessCatalog } from './harnesses/catalog.ts';
import { HistoryService } from './history/service.ts';
import type { Logger } from './log/index.ts';
import type { SecretBox } from './secrets/index.ts';
import { SessionService } from './sessions/service.ts';
import { TeamService } from './teams/service.ts';

/** Everything a resolver, the worker or the CLI may call, wired once per process. */
export type Services = {
  config: Config;
  db: Db;
  log: Logger;
  secrets: SecretBox;
  harnesses: HarnessCatalog;
  bus: EventBus;
  auth: AuthService;
  teams: TeamService;
  agents: AgentService;
  sessions: SessionService;
  history: HistoryService;
};

export function createServices(deps: { config: Config; db: Db; log: Logger; secrets: SecretBox; harnesses: HarnessCatalog; bus: EventBus }): Services {
  const auth = new AuthService(deps.db, deps.bus);
  return {
    ...deps,
    auth,
    teams: new TeamService(deps.db, auth),
    agents: new AgentService(deps.db, deps.harnesses, deps.secrets, deps.config.egress.privateAllow),
    sessions: new SessionService(deps.db, deps.bus, deps.config.limits),
    history: new HistoryService(deps.db),
  };
}
