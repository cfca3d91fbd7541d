import { chunksOf } from './byte-stream.ts';

/** Yields one parsed JSON value per line of an NDJSON byte stream. */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of chunksOf(body)) {
    buffer += decoder.decode(bytes, { stream: true });
    // Lines are cut out where they stand; only the unfinished tail is kept for the next chunk.
    let start = 0;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n', start)) {
      const line = buffer.slice(start, newline);
      start = newline + 1;
      if (line.trim() !== '') yield JSON.parse(line) as unknown;
    }
    if (start > 0) buffer = buffer.slice(start);
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest !== '') yield JSON.parse(rest) as unknown;
}
