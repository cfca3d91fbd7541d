/** Reads an SSE chat-completions stream into its parsed `data:` payloads (the `[DONE]` marker kept as a string). */
export async function readSse(res: Response): Promise<Array<Record<string, unknown> | '[DONE]'>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => {
      const data = block.slice('data: '.length);
      return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>);
    });
}

interface Delta {
  role?: string;
  content?: string | null;
  tool_calls?: Array<{ index: number; id?: string; type?: string; function: { name?: string; arguments?: string } }>;
}

interface Choice {
  delta: Delta;
  finish_reason: string | null;
}

export function choicesOf(chunk: Record<string, unknown> | '[DONE]'): Choice[] {
  return chunk === '[DONE]' ? [] : (chunk.choices as Choice[]);
}

export function contentOf(chunks: Array<Record<string, unknown> | '[DONE]'>): string {
  return chunks
    .flatMap(choicesOf)
    .map((c) => c.delta.content ?? '')
    .join('');
}

export async function chat(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const user = (content: string) => ({ role: 'user', content });
