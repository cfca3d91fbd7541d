import type { Db, Prisma } from '../db/index.ts';
import type { UsageShape } from './usage.ts';

export type DailyUsage = { day: Date; agentId: string; model: string; usage: Required<UsageShape> };

/** Largest window of the per-day breakdown. */
export const MAX_USAGE_DAYS = 366;

/** Usage and cost summed over sessions, and broken down per day, agent and model. */
export class UsageService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async total(where: Prisma.SessionWhereInput): Promise<Required<UsageShape>> {
    const { _sum: sum } = await this.#db.session.aggregate({
      where,
      _sum: { inputTokens: true, outputTokens: true, cacheReadTokens: true, cacheWriteTokens: true, costUsd: true, unpricedTokens: true },
    });
    return {
      inputTokens: sum.inputTokens ?? 0,
      outputTokens: sum.outputTokens ?? 0,
      cacheReadTokens: sum.cacheReadTokens ?? 0,
      cacheWriteTokens: sum.cacheWriteTokens ?? 0,
      costUsd: sum.costUsd ?? 0,
      unpricedTokens: sum.unpricedTokens ?? 0,
    };
  }

  /** The last `days` UTC days (today included) of a team, optionally one agent, oldest first. */
  async byDay(teamId: string, opts: { days: number; agentId?: string | null }): Promise<DailyUsage[]> {
    const today = new Date();
    const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (opts.days - 1)));
    const rows = await this.#db.$queryRaw<
      { day: Date; agentId: string; model: string; input: bigint; output: bigint; cacheRead: bigint; cacheWrite: bigint; cost: number; unpriced: bigint }[]
    >`
      SELECT date_trunc('day', m."completedAt", 'UTC') AS day, s."agentId" AS "agentId", coalesce(m.model, 'unknown') AS model,
        sum(m."inputTokens") AS input, sum(m."outputTokens") AS output,
        sum(m."cacheReadTokens") AS "cacheRead", sum(m."cacheWriteTokens") AS "cacheWrite",
        coalesce(sum(m."costUsd"), 0)::float8 AS cost,
        sum(CASE WHEN m."costUsd" IS NULL THEN m."inputTokens" + m."outputTokens" ELSE 0 END) AS unpriced
      FROM "Message" m JOIN "Session" s ON s.id = m."sessionId"
      WHERE s."teamId" = ${teamId}::uuid
        AND m."completedAt" >= ${from}
        AND m."inputTokens" + m."outputTokens" > 0
        AND (${opts.agentId ?? null}::uuid IS NULL OR s."agentId" = ${opts.agentId ?? null}::uuid)
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`;
    return rows.map((r) => ({
      day: r.day,
      agentId: r.agentId,
      model: r.model,
      usage: {
        inputTokens: Number(r.input),
        outputTokens: Number(r.output),
        cacheReadTokens: Number(r.cacheRead),
        cacheWriteTokens: Number(r.cacheWrite),
        costUsd: r.cost,
        unpricedTokens: Number(r.unpriced),
      },
    }));
  }
}
