import { AgentService } from './agents/service.ts';
import { ApprovalService } from './approvals/service.ts';
import { AuditLog } from './audit/service.ts';
import { AuthService } from './auth/service.ts';
import { RunStarter } from './automations/runs.ts';
import { systemClock } from './automations/schedules/cron.ts';
import { ScheduleService } from './automations/schedules/service.ts';
import { TriggerService } from './automations/triggers/service.ts';
import { WebhookService } from './automations/webhooks/service.ts';
import type { Config } from './config/index.ts';
import { PriceBook } from './cost/prices.ts';
import { encodeGlobalId } from './ids/global-id.ts';
import { UsageService } from './cost/service.ts';
import type { Db } from './db/index.ts';
import type { EventBus } from './events/bus.ts';
import type { HarnessCatalog } from './harnesses/catalog.ts';
import { HistoryService } from './history/service.ts';
import type { Logger } from './log/index.ts';
import type { SecretBox } from './secrets/index.ts';
import { SessionService } from './sessions/service.ts';
import { TeamService } from './teams/service.ts';
import { TurnService } from './turns/service.ts';

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
  approvals: ApprovalService;
  history: HistoryService;
  audit: AuditLog;
  prices: PriceBook;
  usage: UsageService;
  turns: TurnService;
  schedules: ScheduleService;
  triggers: TriggerService;
  webhooks: WebhookService;
};

export function createServices(deps: { config: Config; db: Db; log: Logger; secrets: SecretBox; harnesses: HarnessCatalog; bus: EventBus }): Services {
  const auth = new AuthService(deps.db, deps.bus);
  const approvals = new ApprovalService(deps.db, deps.bus, deps.config.approvalTimeoutMs);
  const sessions = new SessionService(deps.db, deps.bus, deps.config.limits, approvals);
  const starter = new RunStarter(deps.db, sessions);
  const { automations } = deps.config;
  const audit = new AuditLog(deps.db, deps.log, encodeGlobalId);
  return {
    ...deps,
    auth,
    teams: new TeamService(deps.db, auth),
    agents: new AgentService(deps.db, deps.harnesses, deps.secrets, deps.config.egress.privateAllow),
    sessions,
    approvals,
    history: new HistoryService(deps.db),
    audit,
    prices: new PriceBook(deps.config.modelPrices),
    usage: new UsageService(deps.db),
    turns: new TurnService(deps.db),
    schedules: new ScheduleService({ db: deps.db, starter, log: deps.log, missedAfterMs: automations.missedAfterMs, now: systemClock }),
    triggers: new TriggerService({ db: deps.db, starter, secrets: deps.secrets, log: deps.log }),
    webhooks: new WebhookService({
      db: deps.db,
      secrets: deps.secrets,
      log: deps.log,
      privateAllow: deps.config.egress.privateAllow,
      timeoutMs: automations.webhookTimeoutMs,
      retryDelaysMs: automations.webhookRetryDelaysMs,
      onDisabled: (event) => audit.webhookDisabled(event.webhook, event.reason),
    }),
  };
}
