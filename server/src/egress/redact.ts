/** Shortest value that is redacted: shorter ones would mangle ordinary text. */
export const MIN_SECRET_LENGTH = 4;

export type NamedSecret = { name: string; value: string };

/**
 * Replaces secret values with `[redacted:NAME]` in text and in JSON-like values before
 * they are published or stored.
 */
export class Redactor {
  readonly #secrets: { value: string; mark: string }[];

  constructor(secrets: readonly NamedSecret[]) {
    // Longest first, so a secret containing another is replaced whole.
    this.#secrets = secrets
      .filter((s) => s.value.length >= MIN_SECRET_LENGTH)
      .map((s) => ({ value: s.value, mark: `[redacted:${s.name}]` }))
      .sort((a, b) => b.value.length - a.value.length);
  }

  get empty(): boolean {
    return this.#secrets.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const { value: secret, mark } of this.#secrets) if (out.includes(secret)) out = out.replaceAll(secret, mark);
    return out;
  }

  /** Redacts every string inside a JSON-like value (object keys included). */
  value<T>(value: T): T {
    if (this.#secrets.length === 0) return value;
    return this.#walk(value) as T;
  }

  /** A redactor for a stream of text chunks, where a secret may be split across chunks. */
  stream(): StreamRedactor {
    return new StreamRedactor(
      this,
      this.#secrets.map((s) => s.value),
    );
  }

  #walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.#walk(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.#walk(v)]));
    }
    return value;
  }
}

/**
 * Holds back the end of the text while it could be the start of a secret, so each
 * chunk it releases is already redacted and a secret never leaks in two halves.
 */
export class StreamRedactor {
  readonly #redactor: Redactor;
  readonly #values: string[];
  #held = '';

  constructor(redactor: Redactor, values: string[]) {
    this.#redactor = redactor;
    this.#values = values;
  }

  /** Returns the text that is safe to emit now (possibly empty). */
  push(chunk: string): string {
    const raw = this.#held + chunk;
    let cut = raw.length - this.#pendingPrefix(raw);
    // Never cut through a whole secret (one secret may end where another begins).
    for (let moved = true; moved;) {
      moved = false;
      for (const value of this.#values) {
        const at = raw.indexOf(value, Math.max(0, cut - value.length + 1));
        if (at !== -1 && at < cut) {
          cut = at;
          moved = true;
        }
      }
    }
    this.#held = raw.slice(cut);
    return this.#redactor.text(raw.slice(0, cut));
  }

  /** Everything still held back. */
  flush(): string {
    const rest = this.#redactor.text(this.#held);
    this.#held = '';
    return rest;
  }

  /** Length of the longest tail of `text` that is a proper prefix of some secret. */
  #pendingPrefix(text: string): number {
    let longest = 0;
    for (const value of this.#values) {
      for (let n = Math.min(value.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(value.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
