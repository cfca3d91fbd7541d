import { formatNumber, formatTime } from '../../lib/format.ts';
import { formatDuration, waterfall, type WaterfallTurn } from './waterfall.ts';

export type TimelineTurn = WaterfallTurn & {
  id: string;
  durationMs: number | null;
  timeToFirstTokenMs: number | null;
  error: string | null;
  usage: { inputTokens: number; outputTokens: number };
  userMessage: { content: string } | null;
};

const KIND_LABEL = { queue: 'queue', sandbox: 'sandbox', model: 'model', tool: 'tool' } as const;
const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** One turn as a waterfall: queue, sandbox, and each model request and tool call against a shared time axis. */
export function TurnWaterfall({ turn, now }: { turn: TimelineTurn; now: number }) {
  const { bars, totalMs } = waterfall(turn, now);
  const pct = (value: number) => `${Math.min(100, (value / totalMs) * 100).toFixed(2)}%`;
  return (
    <article className="turn" aria-label={`Turn queued at ${formatTime(turn.queuedAt)}`} data-testid="turn">
      <header className="turn-head">
        <span className={`turn-status turn-status-${turn.status.toLowerCase()}`}>{turn.status.toLowerCase().replace('_', ' ')}</span>
        <span className="turn-prompt">{turn.userMessage ? clip(turn.userMessage.content) : ''}</span>
        <span className="muted small turn-figures">
          {formatTime(turn.queuedAt)}
          {turn.durationMs !== null ? <> · {formatDuration(turn.durationMs)}</> : null}
          {turn.timeToFirstTokenMs !== null ? <> · first token {formatDuration(turn.timeToFirstTokenMs)}</> : null} · {formatNumber(turn.usage.inputTokens)} in
          / {formatNumber(turn.usage.outputTokens)} out
        </span>
      </header>
      {turn.error ? <p className="turn-error small">{turn.error}</p> : null}
      <ol className="waterfall">
        {bars.map((b) => (
          <li key={b.key} className={`waterfall-row waterfall-${b.kind}`} data-kind={b.kind}>
            <span className="waterfall-label">
              <span className="waterfall-kind">{KIND_LABEL[b.kind]}</span> <span className="mono">{b.label}</span>
              {b.detail ? <span className="muted small"> · {clip(b.detail, 60)}</span> : null}
            </span>
            <span className="waterfall-track">
              <span
                className={`waterfall-bar${b.running ? ' is-running' : ''}${b.failed ? ' is-failed' : ''}`}
                style={{ left: pct(b.offsetMs), width: `max(2px, ${pct(b.durationMs)})` }}
                title={`${b.label}: ${formatDuration(b.durationMs)}${b.running ? ' so far' : ''}`}
              >
                {b.firstTokenMs !== null && b.durationMs > 0 ? (
                  <span
                    className="waterfall-token"
                    style={{ left: `${Math.min(100, (b.firstTokenMs / b.durationMs) * 100).toFixed(2)}%` }}
                    title="first token"
                  />
                ) : null}
              </span>
            </span>
            <span className="waterfall-duration mono small">
              {formatDuration(b.durationMs)}
              {b.running ? '…' : ''}
            </span>
          </li>
        ))}
      </ol>
    </article>
  );
}
