import { setTimeout as sleep } from 'node:timers/promises';

export interface Pace {
  /** Tokens per second; 0 or less means "as fast as possible". */
  tokensPerSecond: number;
  /** Delay before the first token, in milliseconds. */
  firstTokenMs: number;
  /** Stop sending (without closing) before this token, to play a hung model; unset = never. */
  hangAt?: number;
}

/**
 * Emits token i at start + firstTokenMs + i / rate. Deadlines come from one start time,
 * not from chained timeouts, so timer lateness never accumulates into drift.
 */
export class Pacer {
  readonly #start: number;
  readonly #first: number;
  readonly #interval: number;
  readonly #signal: AbortSignal;
  readonly #hangAt: number;

  constructor(pace: Pace, signal: AbortSignal, start = performance.now()) {
    this.#hangAt = pace.hangAt ?? Number.POSITIVE_INFINITY;
    this.#start = start;
    this.#first = Math.max(0, pace.firstTokenMs);
    this.#interval = pace.tokensPerSecond > 0 ? 1000 / pace.tokensPerSecond : 0;
    this.#signal = signal;
  }

  /** When token `index` is due, in `performance.now()` milliseconds. */
  dueAt(index: number): number {
    return this.#start + this.#first + index * this.#interval;
  }

  /** Resolves when token `index` is due; rejects with an AbortError if the signal fires. */
  async waitFor(index: number): Promise<void> {
    this.#signal.throwIfAborted();
    if (index >= this.#hangAt) {
      // Hung: nothing more until the client gives up (or the server closes).
      await new Promise((_resolve, reject) => this.#signal.addEventListener('abort', () => reject(this.#signal.reason), { once: true }));
    }
    const wait = this.dueAt(index) - performance.now();
    if (wait >= 1) await sleep(wait, undefined, { signal: this.#signal });
  }
}
