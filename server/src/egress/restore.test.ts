import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodersFor, PlaceholderRestorer, restorationsFor } from './restore.ts';

const SECRET = 'sk-live/4f9a+8b7c"6d5e';
const PLACEHOLDER = 'paddock-secret-AAAA';
const restorer = new PlaceholderRestorer(
  restorationsFor([
    { value: SECRET, placeholder: PLACEHOLDER },
    { value: 'abc', placeholder: 'too-short' },
  ]),
);

async function through(chunks: Buffer[]): Promise<string> {
  return text(Readable.from(chunks).pipe(restorer.stream()));
}

describe('placeholder restoration in answers', () => {
  it('swaps values as sent, URL-encoded and JSON-escaped, and leaves too-short values alone', () => {
    const body = `a ${SECRET} b ${encodeURIComponent(SECRET)} c ${JSON.stringify(SECRET)} abc`;
    expect(restorer.text(body)).toBe(`a ${PLACEHOLDER} b ${PLACEHOLDER} c "${PLACEHOLDER}" abc`);
  });

  it('catches a value split across chunks at every position, and releases text that only looked like one', async () => {
    const body = Buffer.from(`head ${SECRET} middle sk-live/ not it ${SECRET}${SECRET} tail sk-li`);
    for (let size = 1; size <= 9; size++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
      expect(await through(chunks), `chunks of ${size}`).toBe(`head ${PLACEHOLDER} middle sk-live/ not it ${PLACEHOLDER}${PLACEHOLDER} tail sk-li`);
    }
  });

  it('holds back nothing when a chunk cannot begin a value (streamed answers are not delayed)', () => {
    const stream = restorer.stream();
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(c));
    stream.write(Buffer.from('data: {"delta":"hi"}\n\n'));
    expect(Buffer.concat(out).toString()).toBe('data: {"delta":"hi"}\n\n');
  });

  it('decodes the codings it knows and refuses the others', async () => {
    const gz = zlib.gzipSync(zlib.brotliCompressSync(Buffer.from(`x ${SECRET} y`)));
    const decoders = decodersFor('br, gzip')!;
    expect(decoders).toHaveLength(2);
    const decoded = await text(Readable.from([gz]).compose(decoders[0]!).compose(decoders[1]!).compose(restorer.stream()));
    expect(decoded).toBe(`x ${PLACEHOLDER} y`);
    expect(decodersFor(undefined)).toEqual([]);
    expect(decodersFor('identity')).toEqual([]);
    expect(decodersFor('compress')).toBeNull();
    expect(decodersFor('gzip, exotic')).toBeNull();
  });
});
