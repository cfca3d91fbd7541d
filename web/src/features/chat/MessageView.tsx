import { memo } from 'react';
import { MessageStatusBadge } from '../../components/StatusBadge.tsx';
import { Markdown } from '../../lib/markdown/Markdown.tsx';
import { formatTime } from '../../lib/format.ts';
import { graphql } from '../../gql/index.ts';
import type { ChatMessage } from './state.ts';
import { ToolCallView } from './ToolCallView.tsx';

/** What a message shows; the chat view's state starts from it (`fromApiMessage`) and events keep it current. */
export const ChatMessageFields = graphql(`
  fragment ChatMessageFields on Message {
    id
    role
    content
    status
    calls {
      ...ToolCallFields
    }
    toolCallId
    thinking
    error
    createdAt
  }
`);

/** One message of the conversation. Tool results show inside the call that asked for them. */
export const MessageView = memo(function MessageView({ message }: { message: ChatMessage }) {
  const time = <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>;
  if (message.role === 'USER') {
    return (
      <article className="msg msg-user" aria-label="Your message" data-role="user" data-message-id={message.id}>
        <div className="msg-bubble">
          <p className="msg-plain">{message.content}</p>
        </div>
        <div className="msg-meta">{time}</div>
        {message.error ? (
          <div className="msg-error msg-turn-failed" role="note" data-testid="turn-error">
            <strong>The agent could not answer this message.</strong> {message.error}
          </div>
        ) : null}
      </article>
    );
  }
  if (message.role === 'TOOL') {
    return (
      <article className="msg msg-tool" aria-label="Tool output" data-role="tool" data-message-id={message.id}>
        <ToolCallView
          call={{ id: message.toolCallId ?? message.id, name: 'tool output', input: null, output: message.content, isError: message.status === 'FAILED' }}
        />
      </article>
    );
  }
  if (message.role === 'SYSTEM') {
    return (
      <article className="msg msg-system" aria-label="System message" data-role="system">
        <p>{message.content}</p>
      </article>
    );
  }
  const streaming = message.status === 'STREAMING' || message.status === 'PENDING';
  const stopped = message.status === 'CANCELLED' || message.status === 'FAILED';
  return (
    <article
      className="msg msg-assistant"
      aria-label="Agent reply"
      aria-busy={streaming || undefined}
      data-role="assistant"
      data-status={message.status}
      data-message-id={message.id}
    >
      <div className="msg-body">
        {message.thinking ? (
          <details className="msg-thinking" data-testid="thinking">
            <summary>Thinking</summary>
            <p className="msg-plain">{message.thinking}</p>
          </details>
        ) : null}
        {message.content ? <Markdown text={message.content} /> : null}
        {streaming && !message.content && !message.thinking && message.toolCalls.length === 0 ? <span className="caret" aria-hidden="true" /> : null}
        {message.toolCalls.length > 0 ? (
          <div className="tool-list">
            {message.toolCalls.map((call) => (
              <ToolCallView key={call.id} call={call} stopped={stopped} />
            ))}
          </div>
        ) : null}
        {message.status === 'FAILED' && message.error ? (
          <p className="msg-error" role="note">
            {message.error}
          </p>
        ) : null}
      </div>
      <div className="msg-meta">
        {time}
        <MessageStatusBadge status={message.status} />
      </div>
    </article>
  );
});
