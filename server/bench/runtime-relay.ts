/**
 * The floor for `pnpm bench:runtime --relay`: the least any Node process can do for a
 * streamed turn. It speaks just enough of the runtime's API for the bench (attach, start a
 * turn) and relays the model's stream with Node's own HTTP client and server: one read of
 * the model's SSE, its `data:` lines parsed, one NDJSON write of their deltas to the
 * client. No validation, tools, history, watchdog or telemetry, so what the real runtime
 * costs above this is what those cost. Run by the bench with the runtime's Node flags.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

type Delta = { choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }> };

const socket = process.env.PADDOCK_RUNTIME_SOCKET;
const auth = `Bearer ${process.env.PADDOCK_RUNTIME_TOKEN ?? ''}`;
if (!socket) throw new Error('PADDOCK_RUNTIME_SOCKET is not set');
let gatewayUrl = '';

async function bodyOf(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  req.setEncoding('utf8');
  for await (const chunk of req) text += chunk as string;
  return JSON.parse(text) as unknown;
}

const line = (event: Record<string, unknown>) => `${JSON.stringify({ ...event, t: performance.timeOrigin + performance.now() })}\n`;

function relayTurn(turnId: string, content: string, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.socket?.setNoDelay(true);
  const upstream = http.request(`${gatewayUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (model) => {
    let buffer = '';
    model.setEncoding('utf8');
    model.on('data', (text: string) => {
      buffer += text;
      let out = '';
      let start = 0;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n', start)) {
        const data = buffer.slice(start, newline);
        start = newline + 1;
        if (!data.startsWith('data: ') || data === 'data: [DONE]') continue;
        const delta = (JSON.parse(data.slice(6)) as Delta).choices?.[0]?.delta?.content;
        if (delta) out += line({ type: 'message.delta', turnId, delta });
      }
      buffer = buffer.slice(start);
      if (out !== '') res.write(out);
    });
    model.on('end', () => res.end(line({ type: 'turn.completed', turnId })));
  });
  upstream.end(JSON.stringify({ model: 'paddock-mock', stream: true, messages: [{ role: 'user', content }] }));
}

const server = http.createServer((req, res) => {
  if (req.headers.authorization !== auth) return void res.writeHead(401).end();
  void bodyOf(req).then((body) => {
    if (req.url === '/v1/session') {
      gatewayUrl = (body as { gateway: { baseUrl: string } }).gateway.baseUrl;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    } else if (req.url === '/v1/turns') {
      const { turnId, content } = body as { turnId: string; content: string };
      relayTurn(turnId, content, res);
    } else {
      res.writeHead(404).end();
    }
  });
});
server.listen(socket, () => console.log(JSON.stringify({ msg: 'listening', socket })));
