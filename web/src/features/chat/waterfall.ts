/** A turn as the timeline draws it: times as ISO strings, as the API sends them. */
export type WaterfallTurn = {
  status: string;
  queuedAt: string;
  startedAt: string | null;
  sandboxReadyAt: string | null;
  sandboxLaunch: string | null;
  endedAt: string | null;
  steps: { kind: string; name: string; status: string; startedAt: string; endedAt: string | null; timeToFirstTokenMs: number | null; error: string | null }[];
};

export type WaterfallBar = {
  key: string;
  kind: 'queue' | 'sandbox' | 'model' | 'tool';
  label: string;
  /** Where the bar starts and how long it is, in ms from the turn being queued. */
  offsetMs: number;
  durationMs: number;
  running: boolean;
  failed: boolean;
  /** Where the first token arrived, in ms from the bar's start (model requests). */
  firstTokenMs: number | null;
  detail: string | null;
};

const ms = (iso: string) => new Date(iso).getTime();

/**
 * The bars of a turn's waterfall: the wait for a worker, getting the sandbox, then each
 * model request and tool call. Anything still running extends to `now`.
 */
export function waterfall(turn: WaterfallTurn, now: number): { bars: WaterfallBar[]; totalMs: number } {
  const origin = ms(turn.queuedAt);
  const end = turn.endedAt ? ms(turn.endedAt) : now;
  const bars: WaterfallBar[] = [];
  const bar = (key: string, kind: WaterfallBar['kind'], label: string, from: number, to: number | null, extra: Partial<WaterfallBar> = {}) =>
    bars.push({
      key,
      kind,
      label,
      offsetMs: Math.max(0, from - origin),
      durationMs: Math.max(0, (to ?? end) - from),
      running: to === null && !turn.endedAt,
      failed: false,
      firstTokenMs: null,
      detail: null,
      ...extra,
    });
  bar('queue', 'queue', 'Queue', origin, turn.startedAt ? ms(turn.startedAt) : null);
  if (turn.startedAt && (turn.sandboxReadyAt || !turn.endedAt)) {
    bar('sandbox', 'sandbox', 'Sandbox', ms(turn.startedAt), turn.sandboxReadyAt ? ms(turn.sandboxReadyAt) : null, {
      detail: turn.sandboxLaunch ? turn.sandboxLaunch.toLowerCase() : null,
    });
  }
  turn.steps.forEach((step, i) => {
    bar(`step-${i}`, step.kind === 'TOOL' ? 'tool' : 'model', step.name, ms(step.startedAt), step.endedAt ? ms(step.endedAt) : null, {
      running: step.status === 'RUNNING' && !turn.endedAt,
      failed: step.status === 'FAILED',
      firstTokenMs: step.timeToFirstTokenMs,
      detail: step.error,
    });
  });
  const totalMs = Math.max(1, end - origin, ...bars.map((b) => b.offsetMs + b.durationMs));
  return { bars, totalMs };
}

/** "850 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(value: number): string {
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(value / 60_000);
  return `${minutes} min ${Math.round((value % 60_000) / 1000)} s`;
}
