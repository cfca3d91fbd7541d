/** Latency samples, percentiles and the exact check of a streamed `/long N` reply. */

/** Wall-clock now in epoch ms with sub-ms precision, the same clock the runtime stamps `t` with. */
export const now = (): number => performance.timeOrigin + performance.now();

/** CLOCK_MONOTONIC in µs: the clock V8 CPU profiles are stamped with, in every process. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Grows as needed; stores samples as doubles without per-sample allocation. */
export class Samples {
  #data = new Float64Array(1 << 14);
  #length = 0;

  add(value: number, times = 1): void {
    if (this.#length + times > this.#data.length) {
      const next = new Float64Array(Math.max(this.#data.length * 2, this.#length + times));
      next.set(this.#data.subarray(0, this.#length));
      this.#data = next;
    }
    this.#data.fill(value, this.#length, this.#length + times);
    this.#length += times;
  }

  get count(): number {
    return this.#length;
  }

  summary(): Summary {
    const sorted = this.#data.slice(0, this.#length).sort();
    return summarize(sorted);
  }
}

export type Summary = { count: number; p50: number; p90: number; p99: number; max: number; min: number; mean: number };

function summarize(sorted: Float64Array): Summary {
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, min: NaN, mean: NaN };
  // Nearest-rank percentiles.
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { count: n, p50: at(50), p90: at(90), p99: at(99), max: sorted[n - 1]!, min: sorted[0]!, mean: sum / n };
}

export function summaryOf(values: number[]): Summary {
  return summarize(Float64Array.from(values).sort());
}

const TOKEN = /tok(\d+)/g;

/** Number of `tokK` tokens in a delta. */
export function countTokens(delta: string): number {
  let count = 0;
  for (let i = delta.indexOf('tok'); i >= 0; i = delta.indexOf('tok', i + 3)) count++;
  return count;
}

export type ReplyCheck = {
  /** Tokens received, duplicates included. */
  received: number;
  /** Tokens of 1..N never received. */
  lost: number;
  /** Extra copies of tokens received more than once. */
  duplicated: number;
  /** Whether the text is exactly `tok1 tok2 … tokN` (so also in order, nothing else in it). */
  exact: boolean;
};

/** Compares the concatenated deltas with the exact reply `tok1 tok2 … tokN`. */
export function checkReply(text: string, expected: number): ReplyCheck {
  const counts = new Uint32Array(expected + 1);
  let received = 0;
  let extra = 0;
  for (const match of text.matchAll(TOKEN)) {
    received++;
    const k = Number(match[1]);
    if (k >= 1 && k <= expected) counts[k]! += 1;
    else extra++;
  }
  let lost = 0;
  let duplicated = extra;
  for (let k = 1; k <= expected; k++) {
    const c = counts[k]!;
    if (c === 0) lost++;
    else duplicated += c - 1;
  }
  const exact = Array.from({ length: expected }, (_, i) => `tok${i + 1}`).join(' ');
  return { received, lost, duplicated, exact: text === exact };
}
