import { getFragmentData, graphql, type FragmentType } from '../../gql/index.ts';
import type { MessageRole, MessageStatus, SessionEventsSubscription, SessionStatus } from '../../gql/graphql.ts';
import { ChatMessageFields } from './MessageView.tsx';
import { ToolCallFields, type ToolCall } from './ToolCallView.tsx';

/**
 * The chat view's state and the pure function that applies session events to it.
 *
 * The view loads the newest page of messages together with `session.lastSeq`, then
 * subscribes to `sessionEvents(after: lastSeq)`. Every event carries a gapless `seq`,
 * so the reducer keeps the highest seq applied and:
 * - ignores any event with seq <= lastSeq (a duplicate, e.g. a replay after reconnecting);
 * - holds events that arrive ahead of a gap in `pending` until the gap is filled;
 * - applies `message.delta` only to messages still streaming: a message that the loaded
 *   history already shows as finished never gets its text appended twice;
 * - de-duplicates messages by id and tool calls by call id, because a message can be
 *   both in the loaded history and in the replayed events.
 * Loaded history is taken to reflect every event up to the loaded lastSeq (the API
 * keeps a streaming message's text empty until its turn ends, and lastSeq is only
 * advanced when the turn ends, so a reload replays the whole running turn).
 */

/** What the reducer reads of each event: the typed fields of the kinds that change the conversation. */
export const ChatEventFields = graphql(`
  fragment ChatEventFields on SessionEvent {
    __typename
    seq
    messageId
    createdAt
    ... on UserMessageEvent {
      content
    }
    ... on SessionStatusEvent {
      status
    }
    ... on MessageDeltaEvent {
      text
    }
    ... on MessageThinkingEvent {
      text
    }
    ... on MessageCompletedEvent {
      content
    }
    ... on ToolCallEvent {
      toolCallId
      name
      input
    }
    ... on ToolResultEvent {
      toolCallId
      output
      isError
    }
    ... on TurnCompletedEvent {
      usage {
        inputTokens
        outputTokens
      }
    }
    ... on TurnFailedEvent {
      error
      usage {
        inputTokens
        outputTokens
      }
    }
    ... on TurnCancelledEvent {
      usage {
        inputTokens
        outputTokens
      }
    }
    ... on EgressBlockedEvent {
      host
      port
      reason
    }
  }
`);

/** One event as the subscription delivers it; the reducer and the Events tab each unmask their own fragment. */
export type StreamEvent = SessionEventsSubscription['sessionEvents'];

export type { ToolCall };

export type ChatMessage = {
  id: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  toolCalls: ToolCall[];
  toolCallId: string | null;
  /** Visible reasoning streamed as message.thinking (Claude Code, Codex); '' if none. */
  thinking: string;
  /**
   * Why the turn failed. On a USER message: its turn failed before the agent wrote
   * anything, so the failure stays in the transcript under the message it answered.
   */
  error: string | null;
  createdAt: string;
};

export type TurnOutcome = { kind: 'failed'; error: string } | { kind: 'cancelled' } | null;

export type Usage = { inputTokens: number; outputTokens: number };

export type EgressBlocked = { seq: number; host: string; port: number; reason: string };

export type ChatState = {
  messages: ChatMessage[];
  /** Highest seq applied; the subscription resumes after it. */
  lastSeq: number;
  /** Events received ahead of a gap, sorted by seq. */
  pending: StreamEvent[];
  sessionStatus: SessionStatus;
  /** A turn is queued or running: the Stop button shows. */
  running: boolean;
  /** How the last turn ended, if not normally. Cleared when a new turn starts. */
  outcome: TurnOutcome;
  /** Requests the egress proxy refused during the current turn. Cleared when a new turn starts. */
  blocked: EgressBlocked[];
  /** Token usage of the whole session. */
  usage: Usage;
  /** Events applied since the view loaded (newest last), for the Events tab. */
  liveEvents: StreamEvent[];
};

export type ChatAction = { type: 'events'; events: StreamEvent[] } | { type: 'earlier'; messages: ChatMessage[] } | { type: 'sent'; message: ChatMessage };

export const MAX_LIVE_EVENTS = 5_000;
const TERMINAL: ReadonlySet<MessageStatus> = new Set<MessageStatus>(['COMPLETE', 'FAILED', 'CANCELLED']);
const BUSY: ReadonlySet<SessionStatus> = new Set<SessionStatus>(['PROVISIONING', 'RUNNING', 'AWAITING_APPROVAL']);

export function isTerminal(status: MessageStatus): boolean {
  return TERMINAL.has(status);
}

export function initChat(input: { messages: ChatMessage[]; lastSeq: number; sessionStatus: SessionStatus; usage: Usage }): ChatState {
  return {
    messages: dedupeById(input.messages),
    lastSeq: input.lastSeq,
    pending: [],
    sessionStatus: input.sessionStatus,
    running: BUSY.has(input.sessionStatus),
    outcome: null,
    blocked: [],
    usage: { ...input.usage },
    liveEvents: [],
  };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'events':
      return action.events.reduce(receive, state);
    case 'earlier': {
      const known = new Set(state.messages.map((m) => m.id));
      const older = dedupeById(action.messages).filter((m) => !known.has(m.id));
      return older.length === 0 ? state : { ...state, messages: [...older, ...state.messages] };
    }
    case 'sent': {
      const next = { ...state, running: true, outcome: null };
      if (state.messages.some((m) => m.id === action.message.id)) return next;
      return { ...next, messages: [...state.messages, action.message] };
    }
  }
}

/** Accepts one event in any order: drops duplicates, parks early arrivals, applies the rest in seq order. */
export function receive(state: ChatState, event: StreamEvent): ChatState {
  if (event.seq <= state.lastSeq) return state;
  if (event.seq > state.lastSeq + 1) {
    if (state.pending.some((e) => e.seq === event.seq)) return state;
    const pending = [...state.pending, event].sort((a, b) => a.seq - b.seq);
    return { ...state, pending };
  }
  let next = apply(state, event);
  // Drain whatever the gap was holding back.
  let pending = next.pending;
  while (pending.length > 0 && pending[0]!.seq <= next.lastSeq + 1) {
    const [head, ...rest] = pending;
    pending = rest;
    if (head!.seq === next.lastSeq + 1) next = apply({ ...next, pending }, head!);
  }
  return pending === next.pending ? next : { ...next, pending };
}

function apply(state: ChatState, stream: StreamEvent): ChatState {
  const liveEvents = state.liveEvents.length >= MAX_LIVE_EVENTS ? [...state.liveEvents.slice(1), stream] : [...state.liveEvents, stream];
  const base: ChatState = { ...state, lastSeq: stream.seq, liveEvents };
  const event = getFragmentData(ChatEventFields, stream);
  const messageId = event.messageId ?? null;
  switch (event.__typename) {
    case 'UserMessageEvent': {
      if (!messageId) return { ...base, outcome: null };
      const message: ChatMessage = {
        id: messageId,
        role: 'USER',
        content: event.content,
        status: 'COMPLETE',
        toolCalls: [],
        toolCallId: null,
        thinking: '',
        error: null,
        createdAt: event.createdAt,
      };
      return {
        ...base,
        outcome: null,
        messages: upsert(
          base.messages,
          message.id,
          () => message,
          (m) => m,
        ),
      };
    }
    case 'TurnStartedEvent':
      return { ...base, running: true, outcome: null, blocked: [] };
    case 'EgressBlockedEvent':
      return { ...base, blocked: [...base.blocked, { seq: event.seq, host: event.host, port: event.port, reason: event.reason }] };
    case 'SessionStatusEvent':
      return { ...base, sessionStatus: event.status, running: BUSY.has(event.status) };
    case 'MessageDeltaEvent':
    case 'MessageThinkingEvent': {
      if (!messageId || !event.text) return base;
      // The reply and the visible reasoning stream the same way, each into its own field.
      const field = event.__typename === 'MessageDeltaEvent' ? 'content' : 'thinking';
      const text = event.text;
      return {
        ...base,
        messages: upsert(
          base.messages,
          messageId,
          () => assistant(messageId, event.createdAt, { [field]: text }),
          (m) => (isTerminal(m.status) ? m : { ...m, [field]: m[field] + text, status: field === 'content' ? 'STREAMING' : m.status }),
        ),
      };
    }
    case 'MessageCompletedEvent': {
      if (!messageId) return base;
      const content = event.content;
      return {
        ...base,
        messages: upsert(
          base.messages,
          messageId,
          () => assistant(messageId, event.createdAt, { content, status: 'COMPLETE' }),
          (m) => ({ ...m, content, status: isTerminal(m.status) ? m.status : 'COMPLETE' }),
        ),
      };
    }
    case 'ToolCallEvent': {
      if (!messageId) return base;
      const call: ToolCall = { id: event.toolCallId, name: event.name, input: event.input, output: null, isError: false };
      return {
        ...base,
        messages: upsert(
          base.messages,
          messageId,
          () => assistant(messageId, event.createdAt, { toolCalls: [call] }),
          (m) => (m.toolCalls.some((c) => c.id === call.id) ? m : { ...m, toolCalls: [...m.toolCalls, call] }),
        ),
      };
    }
    case 'ToolResultEvent': {
      const { toolCallId, output, isError } = event;
      let messages = base.messages.map((m) => {
        if (!m.toolCalls.some((c) => c.id === toolCallId)) return m;
        return {
          ...m,
          // The model's step that made the call is over once its tools answer.
          status: isTerminal(m.status) ? m.status : ('COMPLETE' as const),
          toolCalls: m.toolCalls.map((c) => (c.id === toolCallId ? { ...c, output, isError } : c)),
        };
      });
      if (messageId) {
        const tool: ChatMessage = {
          id: messageId,
          role: 'TOOL',
          content: output,
          status: isError ? 'FAILED' : 'COMPLETE',
          toolCalls: [],
          toolCallId,
          thinking: '',
          error: null,
          createdAt: event.createdAt,
        };
        messages = upsert(
          messages,
          tool.id,
          () => tool,
          (m) => m,
        );
      }
      return { ...base, messages };
    }
    case 'TurnCompletedEvent':
      return { ...finishTurn(base, messageId, 'COMPLETE', null), usage: addUsage(base.usage, event.usage) };
    case 'TurnFailedEvent': {
      const error = event.error || 'The turn failed without an explanation.';
      return { ...finishTurn(base, messageId, 'FAILED', error), outcome: { kind: 'failed', error }, usage: addUsage(base.usage, event.usage) };
    }
    case 'TurnCancelledEvent':
      return { ...finishTurn(base, messageId, 'CANCELLED', null), outcome: { kind: 'cancelled' }, usage: addUsage(base.usage, event.usage) };
    default:
      return base;
  }
}

/** Ends the turn: its last message (and anything still streaming) gets the turn's outcome. */
function finishTurn(state: ChatState, messageId: string | null, status: MessageStatus, error: string | null): ChatState {
  const messages = state.messages.map((m) => {
    if (m.role !== 'ASSISTANT') return m;
    const streaming = !isTerminal(m.status);
    if (m.id === messageId) {
      // The API finalises the turn's last message with the turn's outcome.
      return { ...m, status: m.status === 'COMPLETE' && status === 'COMPLETE' ? m.status : status, error: error ?? m.error };
    }
    return streaming ? { ...m, status, error: error ?? m.error } : m;
  });
  const asked = messages.findLastIndex((m) => m.role === 'USER');
  if (error && asked >= 0 && !messages.slice(asked).some((m) => m.error === error)) {
    // The turn failed before the agent wrote anything: the API keeps the error on the
    // user message it answered, and so does the transcript.
    messages[asked] = { ...messages[asked]!, error };
  }
  return { ...state, messages, running: false };
}

function assistant(id: string, createdAt: string, fields: Partial<ChatMessage>): ChatMessage {
  return { id, role: 'ASSISTANT', content: '', status: 'STREAMING', toolCalls: [], toolCallId: null, thinking: '', error: null, createdAt, ...fields };
}

function upsert(messages: ChatMessage[], id: string, create: () => ChatMessage, update: (m: ChatMessage) => ChatMessage): ChatMessage[] {
  const index = messages.findIndex((m) => m.id === id);
  if (index < 0) return [...messages, create()];
  const current = messages[index]!;
  const updated = update(current);
  if (updated === current) return messages;
  const copy = messages.slice();
  copy[index] = updated;
  return copy;
}

function dedupeById(messages: ChatMessage[]): ChatMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)));
}

function addUsage(usage: Usage, add: Usage): Usage {
  return add.inputTokens === 0 && add.outputTokens === 0
    ? usage
    : { inputTokens: usage.inputTokens + add.inputTokens, outputTokens: usage.outputTokens + add.outputTokens };
}

/** A message from the API as the chat view holds it. */
export function fromApiMessage(ref: FragmentType<typeof ChatMessageFields>): ChatMessage {
  const m = getFragmentData(ChatMessageFields, ref);
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    status: m.status,
    toolCalls: getFragmentData(ToolCallFields, m.calls).map(({ id, name, input, output, isError }) => ({ id, name, input, output, isError })),
    toolCallId: m.toolCallId,
    thinking: m.thinking ?? '',
    error: m.error,
    createdAt: m.createdAt,
  };
}
