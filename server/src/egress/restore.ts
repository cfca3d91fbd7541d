import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { MIN_SECRET_LENGTH } from './redact.ts';

/** A secret value (as a server may echo it) and the placeholder the sandbox gets instead. */
export type Restoration = { value: string; placeholder: string };

/**
 * The forms in which a server commonly echoes a value it received: as sent, URL-encoded
 * (a query string reflected back) and JSON-escaped (a header reflected in a JSON body).
 * Transformed copies (case-changed, reversed, hashed, split) cannot be recognised; that
 * is why a secret names the hosts it is for.
 */
export function restorationsFor(secrets: readonly { value: string; placeholder: string }[]): Restoration[] {
  const out = new Map<string, string>();
  for (const { value, placeholder } of secrets) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    out.set(value, placeholder);
    out.set(encodeURIComponent(value), placeholder);
    out.set(JSON.stringify(value).slice(1, -1), placeholder);
  }
  return [...out].map(([value, placeholder]) => ({ value, placeholder }));
}

type Pair = { from: Buffer; to: Buffer; text: string; placeholder: string };

/**
 * Swaps secret values back to their placeholders in what a server answers, so a value a
 * server echoes never reaches the sandbox in clear: in header values at once, and in a
 * body as it streams (see `stream`).
 */
export class PlaceholderRestorer {
  readonly #pairs: Pair[];

  constructor(restorations: readonly Restoration[]) {
    // Longest first, so a value containing another is replaced whole.
    this.#pairs = restorations
      .filter((r) => r.value.length > 0)
      .map((r) => ({ from: Buffer.from(r.value), to: Buffer.from(r.placeholder), text: r.value, placeholder: r.placeholder }))
      .sort((a, b) => b.from.length - a.from.length);
  }

  get empty(): boolean {
    return this.#pairs.length === 0;
  }

  text(value: string): string {
    let out = value;
    for (const { text, placeholder } of this.#pairs) if (out.includes(text)) out = out.replaceAll(text, placeholder);
    return out;
  }

  /**
   * A byte stream transform. It holds back only the end of a chunk that could be the start
   * of a value (a few bytes at most), so a streamed model answer is not delayed, and a
   * value split across chunks is still caught.
   */
  stream(): Transform {
    let held: Buffer = Buffer.alloc(0);
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback: TransformCallback) => {
        const data = held.length > 0 ? Buffer.concat([held, chunk]) : chunk;
        const { out, rest } = this.#replace(data);
        held = rest;
        callback(null, out.length > 0 ? out : undefined);
      },
      flush: (callback: TransformCallback) => {
        const rest = held;
        held = Buffer.alloc(0);
        callback(null, rest.length > 0 ? rest : undefined);
      },
    });
  }

  /** Replaces every whole value in `data`; `rest` is the tail that may begin one. */
  #replace(data: Buffer): { out: Buffer; rest: Buffer } {
    const parts: Buffer[] = [];
    let pos = 0;
    for (;;) {
      let at = -1;
      let pair: Pair | undefined;
      for (const p of this.#pairs) {
        const found = data.indexOf(p.from, pos);
        // Earliest match wins; at the same place the longest (they are sorted so).
        if (found !== -1 && (at === -1 || found < at)) {
          at = found;
          pair = p;
        }
      }
      if (!pair) break;
      parts.push(data.subarray(pos, at), pair.to);
      pos = at + pair.from.length;
    }
    const tail = data.subarray(pos);
    const keep = this.#pendingPrefix(tail);
    parts.push(tail.subarray(0, tail.length - keep));
    return { out: parts.length === 1 ? parts[0]! : Buffer.concat(parts), rest: Buffer.from(tail.subarray(tail.length - keep)) };
  }

  /** Length of the longest end of `tail` that is a proper prefix of some value. */
  #pendingPrefix(tail: Buffer): number {
    let longest = 0;
    for (const { from } of this.#pairs) {
      for (let n = Math.min(from.length - 1, tail.length); n > longest; n--) {
        if (tail.subarray(tail.length - n).equals(from.subarray(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}

type Decoder = () => Transform;

const DECODERS: Record<string, Decoder> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
  ...(typeof zlib.createZstdDecompress === 'function' ? { zstd: () => zlib.createZstdDecompress() } : {}),
};

/**
 * Decoders that undo a response's Content-Encoding (applied last first), so its body can
 * be searched; null when a coding is one the proxy cannot decode.
 */
export function decodersFor(contentEncoding: string | undefined): Transform[] | null {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    const decoder = DECODERS[coding];
    if (!decoder) return null;
    decoders.push(decoder());
  }
  return decoders;
}
