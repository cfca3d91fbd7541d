import { chunksOf } from './byte-stream.ts';

/** Yields one parsed JSON value per line of an NDJSON byte stream. */
export async function* readNdjson(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of chunksOf(body)) {
    buffer += decoder.decode(bytes, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') yield JSON.parse(line) as unknown;
      newline = buffer.indexOf('\n');
    }
  }
  const rest = (buffer + decoder.decode()).trim();
  if (rest !== '') yield JSON.parse(rest) as unknown;
}
