import type { MatchedRule } from '@paddock/events';
import type { ToolCall } from '../../api.ts';
import type { Usage } from '../../events.ts';
import { truncateText } from '../../process/capped-output.ts';
import type { TurnContext } from '../adapter.ts';
import type { TurnSink } from './protocol.ts';

/**
 * Turns what a translator reads into Paddock events and history, in the shape the chat
 * harness produces: per model step, text deltas, then `message.completed`, then its tool
 * calls; the assistant message is recorded once its step is over, followed by tool results.
 */
export class TurnRecorder implements TurnSink {
  #ctx: TurnContext;
  readonly #onSession: (id: string) => void;
  #text = '';
  #textCompleted = false;
  #calls: ToolCall[] = [];
  /** Calls still waiting for a result, across steps (a result can come after the step ended). */
  readonly #pending = new Map<string, ToolCall>();
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #completed = false;
  #failure: string | undefined;
  #emitted = 0;

  constructor(ctx: TurnContext, onSession: (id: string) => void) {
    this.#ctx = ctx;
    this.#onSession = onSession;
  }

  /** Carries on in the turn that resumes a paused one: its stream, history and signal. */
  rebind(ctx: TurnContext): void {
    this.#ctx = ctx;
  }

  /** Events emitted so far; none means a failed run can be retried without the person noticing. */
  get emitted(): number {
    return this.#emitted;
  }

  get outcome(): { completed: boolean; failure: string | undefined; usage: Usage } {
    return { completed: this.#completed, failure: this.#failure, usage: this.#usage };
  }

  #emit(event: Parameters<TurnContext['emit']>[0]): void {
    this.#emitted++;
    this.#ctx.emit(event);
  }

  session(id: string): void {
    this.#onSession(id);
  }

  text(delta: string): void {
    if (delta === '') return;
    // Text after tool calls belongs to the model's next step.
    if (this.#calls.length > 0) this.endStep();
    this.#text += delta;
    this.#emit({ type: 'message.delta', delta });
  }

  thinking(delta: string): void {
    if (delta !== '') this.#emit({ type: 'message.thinking', delta });
  }

  #completeText(): void {
    if (this.#text === '' || this.#textCompleted) return;
    this.#textCompleted = true;
    this.#emit({ type: 'message.completed', content: this.#text });
  }

  endStep(): void {
    this.#completeText();
    if (this.#text !== '' || this.#calls.length > 0) {
      this.#ctx.record({ role: 'assistant', content: this.#text, ...(this.#calls.length > 0 ? { toolCalls: this.#calls } : {}) });
    }
    this.#text = '';
    this.#textCompleted = false;
    this.#calls = [];
  }

  toolCall(call: ToolCall): void {
    this.#completeText();
    this.#calls.push(call);
    this.#pending.set(call.id, call);
    this.#emit({ type: 'tool.call', id: call.id, name: call.name, input: call.input, ...this.#serverOf(call.name) });
  }

  /** A call made in an earlier run of this turn (which paused for approval) whose result comes in this one. */
  adopt(call: ToolCall): void {
    this.#pending.set(call.id, call);
  }

  /** The agent's MCP server of a tool the CLI names `mcp__<server>__<tool>` (Claude Code and Codex alike). */
  #serverOf(name: string): { server?: string } {
    const server = this.#ctx.session.mcpServers.find((s) => name.startsWith(`mcp__${s.name}__`));
    return server ? { server: server.name } : {};
  }

  toolResult(id: string, output: string, isError: boolean): void {
    const call = this.#pending.get(id);
    if (!call) return;
    this.#pending.delete(id);
    // The assistant message with the calls must precede their results in the history.
    if (this.#calls.some((c) => c.id === id)) this.endStep();
    const content = truncateText(output, this.#ctx.session.limits.maxToolOutputBytes);
    this.#emit({ type: 'tool.result', id, output: content, isError, ...this.#serverOf(call.name) });
    this.#ctx.record({ role: 'tool', toolCallId: id, content });
  }

  approvalRequested(call: ToolCall, rule: MatchedRule): void {
    // The assistant message with the call is recorded before the pause, as the chat harness does.
    this.endStep();
    this.#emit({ type: 'tool.approval_requested', id: call.id, name: call.name, input: call.input, rule, ...this.#serverOf(call.name) });
  }

  usage(usage: Usage): void {
    this.#usage = usage;
    this.#ctx.usage(usage);
  }

  completed(): void {
    this.#completed = true;
  }

  failed(message: string): void {
    this.#failure ??= message;
  }

  warn(message: string): void {
    this.#ctx.log.warn({ cliWarning: message }, 'the agent CLI reported a problem');
  }

  /** Ends the turn's bookkeeping: every tool call gets a result, so the history stays valid for the next turn. */
  close(reason: string): void {
    for (const id of [...this.#pending.keys()]) this.toolResult(id, reason, true);
    this.endStep();
  }
}
