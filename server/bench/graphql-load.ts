import http from 'node:http';

export type Post = (body: string) => Promise<string>;

/** POSTs a GraphQL body to the API with a key over a keep-alive agent; anything but HTTP 200 rejects. */
export function graphqlPoster(port: number, key: string, agent: http.Agent): Post {
  return (body) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(Buffer.concat(chunks).toString())
              : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * Closed loop: each of `concurrency` clients sends its next request when the last one
 * answers, for `seconds`. An answer with GraphQL errors counts as an error.
 */
export async function closedLoop(post: Post, body: () => string, seconds: number, concurrency: number) {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        const text = await post(body());
        if (text.includes('"errors"')) errors++;
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1) ?? NaN };
}
