/** One named Server-Sent Event with its parsed JSON data. */
export interface NamedEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads an Anthropic- or Responses-style SSE body (`event:` + `data:` per block). */
export async function readEvents(res: Response): Promise<NamedEvent[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `delta` objects of every `content_block_delta` of one kind, joined. */
export function deltaText(events: NamedEvent[], kind: string, field: string): string {
  return events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => e.data.delta as Record<string, string>)
    .filter((d) => d.type === kind)
    .map((d) => d[field] ?? '')
    .join('');
}
