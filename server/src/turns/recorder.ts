import type { DeltaEventType, SessionEventInput } from '@paddock/events';
import type { BusEvent } from '../events/bus.ts';
import type { EventWriter } from '../events/writer.ts';

const MAX_CHUNK_CHARS = 256;
/** Seqs are reserved in the database this many at a time, ahead of publishing them. */
export const SEQ_BLOCK = 256;

/** Streamed text that is coalesced: the reply itself, or the model's visible reasoning. */
export type DeltaType = DeltaEventType;

export type RecordedEvent = SessionEventInput;

/**
 * The seq counter of a session while its turn runs. Each event gets the next seq and
 * goes to the event writer, which stores it and then publishes it — the unit published
 * is the unit stored, so a replay equals what subscribers saw live. Token deltas that
 * arrive in the same I/O tick are coalesced into one event before they get a seq.
 */
export class TurnRecorder {
  readonly sessionId: string;
  readonly #writer: EventWriter;
  readonly #reserve: (ceiling: number) => Promise<void>;
  #seq: number;
  #ceiling: number;
  #reserving: Promise<void> | null = null;
  #pending: { type: DeltaType; messageId: string; text: string; t: number } | null = null;
  #scheduled = false;

  /**
   * `ceiling` is the highest seq already reserved in `Session.lastSeq`; `reserve`
   * raises it. Should the worker die, recovery continues above the ceiling, so it
   * never reuses a seq that subscribers saw live but the log did not store yet.
   */
  constructor(opts: { sessionId: string; lastSeq: number; ceiling: number; reserve: (ceiling: number) => Promise<void>; writer: EventWriter }) {
    this.sessionId = opts.sessionId;
    this.#seq = opts.lastSeq;
    this.#ceiling = opts.ceiling;
    this.#reserve = opts.reserve;
    this.#writer = opts.writer;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /** `t` is the runtime's emit time; the chunk keeps its first token's, the worst case. */
  delta(messageId: string, text: string, t: number, type: DeltaType = 'message.delta'): void {
    if (this.#pending && (this.#pending.messageId !== messageId || this.#pending.type !== type)) this.flushDelta();
    if (this.#pending) this.#pending.text += text;
    else this.#pending = { type, messageId, text, t };
    if (this.#pending.text.length >= MAX_CHUNK_CHARS) this.flushDelta();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flushDelta();
      });
    }
  }

  flushDelta(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    this.#emit({ type: pending.type, messageId: pending.messageId, delta: pending.text, payload: { t: pending.t } });
  }

  record(event: RecordedEvent): BusEvent {
    this.flushDelta();
    return this.#emit(event);
  }

  /** Backpressure: a promise while the writer's backlog is too large (the database is slow or away). */
  ready(): Promise<void> | null {
    return this.#writer.ready();
  }

  /** Waits until every event recorded so far is stored. */
  async persist(): Promise<void> {
    this.flushDelta();
    await this.#writer.flush();
    // A reservation landing after the turn's final write would leave a hole in the seqs.
    await this.#reserving;
  }

  /** Takes the next seq for an event the caller stores and publishes itself. */
  next(event: RecordedEvent): BusEvent {
    this.flushDelta();
    this.#seq += 1;
    return this.#build(event);
  }

  #emit(event: RecordedEvent): BusEvent {
    this.#seq += 1;
    this.#reserveAhead();
    const bus = this.#build(event);
    this.#writer.write([bus]);
    return bus;
  }

  #reserveAhead(): void {
    if (this.#reserving || this.#seq < this.#ceiling - SEQ_BLOCK / 2) return;
    const next = this.#ceiling + SEQ_BLOCK;
    this.#reserving = this.#reserve(next)
      .then(() => {
        this.#ceiling = next;
      })
      .catch(() => undefined)
      .finally(() => {
        this.#reserving = null;
      });
  }

  #build(event: RecordedEvent): BusEvent {
    return {
      sessionId: this.sessionId,
      seq: this.#seq,
      type: event.type,
      messageId: event.messageId ?? null,
      delta: event.delta ?? null,
      payload: event.payload,
      createdAt: new Date().toISOString(),
    };
  }
}
