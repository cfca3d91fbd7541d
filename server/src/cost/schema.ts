import { Agent } from '../agents/schema.ts';
import { badInput } from '../errors/index.ts';
import { builder } from '../graphql/builder.ts';
import { encodeGlobalId } from '../ids/global-id.ts';
import { Usage } from '../graphql/usage.ts';
import { Team } from '../teams/schema.ts';
import { MAX_USAGE_DAYS, type DailyUsage } from './service.ts';

const UsageByDay = builder.objectRef<DailyUsage>('UsageByDay').implement({
  description: "One UTC day's usage of one agent with one model.",
  fields: (t) => ({
    day: t.expose('day', { type: 'DateTime', description: 'Midnight UTC of the day.' }),
    agentId: t.id({ resolve: (d) => encodeGlobalId('Agent', d.agentId) }),
    agent: t.field({
      type: Agent,
      nullable: true,
      description: 'Null when the caller cannot see the agent (an OPERATOR looking at another team).',
      resolve: (d, _args, ctx) => ctx.loaders.agent.load(d.agentId),
    }),
    model: t.exposeString('model'),
    usage: t.field({ type: Usage, resolve: (d) => d.usage }),
  }),
});

function checkDays(days: number | null | undefined): number {
  const value = days ?? 30;
  if (!Number.isInteger(value) || value < 1 || value > MAX_USAGE_DAYS) throw badInput(`days must be between 1 and ${MAX_USAGE_DAYS}.`, 'days');
  return value;
}

builder.objectFields(Team, (t) => ({
  usage: t.field({
    type: Usage,
    description: 'Every session of the team, ended ones included.',
    resolve: (team, _args, ctx) => ctx.services.usage.total({ teamId: team.id }),
  }),
  usageByDay: t.field({
    type: [UsageByDay],
    description: 'Usage per UTC day, agent and model, oldest first; days without usage are left out.',
    args: { days: t.arg.int({ defaultValue: 30, description: `The last this many UTC days, today included (1 to ${MAX_USAGE_DAYS}).` }) },
    resolve: (team, args, ctx) => ctx.services.usage.byDay(team.id, { days: checkDays(args.days) }),
  }),
}));

builder.objectFields(Agent, (t) => ({
  usageByDay: t.field({
    type: [UsageByDay],
    description: 'Usage per UTC day and model, oldest first; days without usage are left out.',
    args: { days: t.arg.int({ defaultValue: 30, description: `The last this many UTC days, today included (1 to ${MAX_USAGE_DAYS}).` }) },
    resolve: (agent, args, ctx) => ctx.services.usage.byDay(agent.teamId, { days: checkDays(args.days), agentId: agent.id }),
  }),
}));
