/**
 * Iterates a web ReadableStream through its reader. `for await` over the stream itself
 * only type-checks where the lib declares it async-iterable (not with the DOM lib), and
 * this module is compiled by the platform too.
 */
export async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Early exit (break, throw) cancels the body so the connection is released.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
