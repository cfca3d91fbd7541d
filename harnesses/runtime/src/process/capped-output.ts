/** Collects a stream's bytes up to a limit and counts what it had to drop. */
export class CappedOutput {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    const room = this.#limit - this.#kept;
    if (room <= 0) {
      this.#dropped += chunk.length;
      return;
    }
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#chunks.push(kept);
    this.#kept += kept.length;
    this.#dropped += chunk.length - kept.length;
  }

  get truncated(): boolean {
    return this.#dropped > 0;
  }

  /** The output as text; NUL bytes become U+FFFD, since text columns and most consumers refuse them. */
  text(): string {
    const text = Buffer.concat(this.#chunks, this.#kept).toString('utf8').replaceAll('\0', '\uFFFD');
    return this.#dropped > 0 ? `${text}\n[output truncated: ${this.#dropped} more bytes]` : text;
  }
}

/** Cuts text to at most `maxBytes` of UTF-8, saying how much was cut. */
export function truncateText(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  // Decoding a cut buffer may end in U+FFFD; dropping it keeps the text clean.
  const head = Buffer.from(text)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${head}\n[output truncated: ${bytes - Buffer.byteLength(head)} more bytes]`;
}
