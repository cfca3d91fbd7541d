import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryMessage } from '../src/api.ts';
import type { CliProtocol } from '../src/adapters/cli/protocol.ts';
import { TurnRecorder } from '../src/adapters/cli/turn-recorder.ts';
import type { AdapterEvent } from '../src/events.ts';
import { createLogger } from '../src/log.ts';
import { DEFAULT_LIMITS } from '../src/session/limits.ts';
import { createSession } from '../src/session/session.ts';

export interface Translated {
  events: AdapterEvent[];
  history: HistoryMessage[];
  sessions: string[];
  outcome: TurnRecorder['outcome'];
}

/** Feeds CLI output lines through a protocol's translator into a recorder, as one turn would. */
export function translate(protocol: CliProtocol, lines: ReadonlyArray<Record<string, unknown>>): Translated {
  const session = createSession(
    {
      sessionId: 's',
      systemPrompt: '',
      model: 'm',
      gateway: { baseUrl: 'http://gw/v1', apiKey: '' },
      env: {},
      history: [],
      limits: DEFAULT_LIMITS,
      mcpServers: [],
      toolPolicy: [],
    },
    {},
  );
  const events: AdapterEvent[] = [];
  const sessions: string[] = [];
  const recorder = new TurnRecorder(
    {
      turnId: 't',
      content: '',
      session,
      workspace: '/workspace',
      signal: new AbortController().signal,
      log: createLogger('silent'),
      emit: (event) => events.push(event),
      record: (message) => session.history.push(message),
      usage: () => undefined,
    },
    (id) => sessions.push(id),
  );
  const translator = protocol.translator(recorder);
  for (const line of lines) translator.handle(line);
  translator.finish?.();
  recorder.close('unfinished');
  return { events, history: session.history, sessions, outcome: recorder.outcome };
}

/** A recorded fixture: real CLI output, one JSON object per line. */
export async function fixture(name: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export const textOf = (events: AdapterEvent[], type: 'message.delta' | 'message.thinking') => events.map((e) => (e.type === type ? e.delta : '')).join('');
