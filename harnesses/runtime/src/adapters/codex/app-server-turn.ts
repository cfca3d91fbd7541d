import { mkdir } from 'node:fs/promises';
import type { ApprovalDecision, HistoryMessage, ToolCall } from '../../api.ts';
import type { CliConfig } from '../../harness/cli-config.ts';
import { decide, describeRule } from '../../policy/tool-policy.ts';
import type { Session } from '../../session/session.ts';
import { TurnError, type TurnContext, type TurnOutcome } from '../adapter.ts';
import { executeTool } from '../chat/tools.ts';
import { pendingCalls } from '../chat/wire.ts';
import { foldHistory } from '../cli/fold-history.ts';
import { num, obj, str, type Json } from '../cli/json.ts';
import { resolveProgram } from '../cli/resolve-program.ts';
import { redact, runEnvironment } from '../cli/run-environment.ts';
import { TurnRecorder } from '../cli/turn-recorder.ts';
import { AppServer, AppServerError, type AppServerHandlers, type ServerRequest } from './app-server.ts';
import { execItemOf } from './app-items.ts';
import { CodexExecTranslator } from './exec-json.ts';
import { codexMcpArgs, readyMcpServers } from './protocol.ts';
import { scriptOf } from './shell-script.ts';
import { toolCallOf } from './tool-items.ts';

/** Once Codex has ended the turn, how long it gets to exit (it is saving the thread for the next turn). */
const EXIT_AFTER_RESULT_MS = 5_000;

/** `codex exec` flags a definition may carry that `codex app-server` does not take; its thread settings replace them. */
const EXEC_ONLY_FLAGS = new Set(['--dangerously-bypass-approvals-and-sandbox', '--skip-git-repo-check']);

export interface CodexHarness {
  name: string;
  cli: CliConfig;
  stateDir: string;
}

/** What one app-server process knows across the runs of a turn that paused. */
interface ThreadState {
  server: AppServer;
  threadId: string;
  codexTurnId: string;
  /** Tool items seen, by item id: an approval request names only the item. */
  readonly calls: Map<string, ToolCall>;
  /** Agent message and reasoning text streamed so far, by item id. */
  readonly texts: Map<string, string>;
  /** Calls whose approval request was answered (or is held), so a second MCP call of a tool is told apart. */
  readonly answered: Set<string>;
  /** Calls answered `decline`, with the error their result shows. */
  readonly declined: Map<string, string>;
  /** Calls a person approved whose Codex process ended before running them: accepted when Codex asks again. */
  readonly preApproved: ToolCall[];
  /** Messages that arrived between runs (none expected: Codex waits for the answer). */
  readonly backlog: Array<{ request?: ServerRequest; method?: string; params?: Json }>;
}

/** A turn paused on an approval request whose app server still waits for the answer. */
export interface HeldTurn {
  session: Session;
  state: ThreadState;
  request: ServerRequest;
  call: ToolCall;
}

type RunEnd = { paused?: { request: ServerRequest; call: ToolCall } };

/** The held Codex process ended before it took the answer: the turn goes on as if it had been gone all along. */
export class HeldProcessGone extends Error {}

const text = (value: string) => [{ type: 'text', text: value, text_elements: [] }];

/** A call's input as the policy reads it: a command is matched by the script inside Codex's shell wrapper. */
function policyInput(call: ToolCall): Record<string, unknown> {
  const command = call.input.command;
  return typeof command === 'string' ? { ...call.input, command: scriptOf(command) } : call.input;
}

/** Answers to an MCP elicitation, which is how Codex asks before an MCP tool call. */
const ELICITATION = {
  accept: { action: 'accept', content: {}, _meta: null },
  decline: { action: 'decline', content: null, _meta: null },
} as const;

function accept(server: AppServer, request: ServerRequest): void {
  server.respond(request.id, request.method === 'mcpServer/elicitation/request' ? ELICITATION.accept : { decision: 'accept' });
}

const sameCall = (a: ToolCall, b: ToolCall) => a.name === b.name && JSON.stringify(a.input) === JSON.stringify(b.input);

/**
 * One run of a Codex turn over `codex app-server`, where Codex asks before it runs a
 * command or changes a file (approval policy `untrusted`). The agent's tool policy
 * answers each request: ALLOW accepts, DENY declines and tells the model why, ASK pauses
 * the turn with the request held open, so a resumed turn answers it in the same process.
 */
export class AppServerTurn {
  readonly #ctx: TurnContext;
  readonly #harness: CodexHarness;
  /** Codex threads of attached sessions, to resume on their next turn. */
  readonly #threads: WeakMap<Session, string>;
  readonly #recorder: TurnRecorder;
  readonly #translator: CodexExecTranslator;
  #state: ThreadState | undefined;
  #secrets: string[] = [];
  #usage = { input: 0, cached: 0, output: 0 };
  /** Calls approved while no Codex process could run them, to accept when the new one asks. */
  readonly #preApproved: ToolCall[] = [];
  #end!: (end: RunEnd) => void;
  readonly #ended: Promise<RunEnd>;

  constructor(ctx: TurnContext, harness: CodexHarness, threads: WeakMap<Session, string>) {
    this.#ctx = ctx;
    this.#harness = harness;
    this.#threads = threads;
    this.#recorder = new TurnRecorder(ctx, () => undefined);
    this.#translator = new CodexExecTranslator(this.#recorder);
    this.#ended = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** Runs the turn, answering `held` first when it is this turn's paused request. */
  async run(held: HeldTurn | null): Promise<{ outcome: TurnOutcome; held?: HeldTurn }> {
    const ctx = this.#ctx;
    const { cli, stateDir, name } = this.#harness;
    const { env, args, secrets } = runEnvironment(cli, ctx, stateDir);
    this.#secrets = secrets;
    if (held) return this.#drive(held.state, () => this.#answerHeld(held), true);
    await mkdir(stateDir, { recursive: true });
    const program = resolveProgram(cli.command[0] ?? '', env.PATH);
    if (!program) {
      throw new TurnError(
        `The ${name} harness could not find the program "${cli.command[0]}" on PATH. Install it in the sandbox image or fix cli.command in its definition.`,
      );
    }
    // Codex refuses a CODEX_HOME that does not exist yet.
    if (env.CODEX_HOME) await mkdir(env.CODEX_HOME, { recursive: true });
    // A resumed turn whose held process is gone: settle its decisions here, then tell Codex.
    const message = ctx.resume ? await this.#settleDecisions(ctx.resume) : ctx.content;
    const earlier: HistoryMessage[] = ctx.resume ? ctx.session.history : ctx.session.history.slice(0, -1);
    const server = new AppServer({
      program,
      args: [...cli.command.slice(1), 'app-server', ...args.filter((arg) => !EXEC_ONLY_FLAGS.has(arg)), ...codexMcpArgs(await readyMcpServers(ctx))],
      env,
      cwd: ctx.workspace,
      handlers: this.#handlers(),
    });
    const state: ThreadState = {
      server,
      threadId: '',
      codexTurnId: '',
      calls: new Map(),
      texts: new Map(),
      answered: new Set(),
      declined: new Map(),
      preApproved: this.#preApproved,
      backlog: [],
    };
    this.#state = state;
    return this.#drive(state, async () => {
      await server.request('initialize', { clientInfo: { name: 'paddock', title: 'Paddock', version: '0.1.0' } });
      server.notify('initialized');
      const settings = {
        model: ctx.session.model,
        cwd: ctx.workspace,
        approvalPolicy: 'untrusted',
        sandbox: 'danger-full-access',
        ...(ctx.session.systemPrompt !== '' ? { developerInstructions: ctx.session.systemPrompt } : {}),
      };
      const known = this.#harness.cli.resume ? this.#threads.get(ctx.session) : undefined;
      let prompt = message;
      let thread: Json | undefined;
      if (known) {
        thread = await server.request('thread/resume', { threadId: known, ...settings, excludeTurns: true }).catch((error: unknown) => {
          ctx.log.warn({ cliSession: known, err: error }, 'Codex could not resume its thread; starting a new one from the conversation');
          return undefined;
        });
      }
      if (!thread) {
        thread = await server.request('thread/start', settings);
        prompt = foldHistory(earlier, message);
      }
      state.threadId = str(obj(thread.thread).id);
      this.#threads.set(ctx.session, state.threadId);
      const started = await server.request('turn/start', { threadId: state.threadId, input: text(prompt) });
      state.codexTurnId = str(obj(started.turn).id);
    });
  }

  /**
   * The decisions on a paused turn whose app server is gone (the sandbox was replaced,
   * the runtime restarted): denied calls get their reason as result, approved commands
   * run here, other approved calls are made again by Codex, accepted without asking.
   * Returns what to tell Codex, which never saw the answers.
   */
  async #settleDecisions(decisions: readonly ApprovalDecision[]): Promise<string> {
    const ctx = this.#ctx;
    const notes: string[] = [];
    for (const call of pendingCalls(ctx.session.history)) {
      const decision = decisions.find((d) => d.toolCallId === call.id);
      let result: { output: string; isError: boolean };
      if (!decision || !decision.approved) {
        result = { output: `Denied by a person: ${decision?.reason || 'no reason given'}.`, isError: true };
        notes.push(`Your call of ${call.name} (${JSON.stringify(call.input)}) was not run. ${result.output}`);
      } else if (call.name === 'shell' && typeof call.input.command === 'string') {
        const { limits, commandEnv, sandbox } = ctx.session;
        result = await executeTool(
          'run_command',
          { command: call.input.command },
          {
            workspace: ctx.workspace,
            env: commandEnv,
            timeoutMs: limits.toolTimeoutMs,
            maxOutputBytes: limits.maxToolOutputBytes,
            network: limits.commandNetwork,
            memoryLimitBytes: sandbox.memoryLimitBytes,
            signal: ctx.signal,
          },
        );
        notes.push(`A person approved your command \`${call.input.command}\`, and it ran. Its output:\n${result.output}`);
      } else {
        this.#preApproved.push(call);
        result = { output: 'Approved by a person; Codex was asked to make the call again, as the process that asked had ended.', isError: true };
        notes.push(`A person approved your call of ${call.name} (${JSON.stringify(call.input)}), but it did not run. Make it again now.`);
      }
      ctx.emit({ type: 'tool.result', id: call.id, output: result.output, isError: result.isError });
      ctx.record({ role: 'tool', toolCallId: call.id, content: result.output });
    }
    ctx.signal.throwIfAborted();
    return `[Paddock] The tool calls that waited for approval were decided.\n\n${notes.join('\n\n')}\n\nContinue the task.`;
  }

  /** Answers the request the turn paused on, with the person's decision. */
  #answerHeld(held: HeldTurn): Promise<void> {
    const decision = this.#ctx.resume?.find((d) => d.toolCallId === held.call.id);
    this.#recorder.adopt(held.call);
    this.#translator.announced(held.call.id);
    if (decision?.approved) {
      accept(held.state.server, held.request);
      return Promise.resolve();
    }
    return this.#decline(held.request, held.call, `Denied by a person: ${decision?.reason || 'no reason given'}.`);
  }

  #handlers(): AppServerHandlers {
    return {
      notification: (method, params) => this.#notification(method, params),
      request: (request) => this.#request(request),
    };
  }

  /** Starts (or continues) the run on `state`'s app server and reads it until the turn ends or pauses. */
  async #drive(state: ThreadState, begin: () => Promise<void>, answering = false): Promise<{ outcome: TurnOutcome; held?: HeldTurn }> {
    const ctx = this.#ctx;
    this.#state = state;
    const { server } = state;
    server.handlers = this.#handlers();
    for (const message of state.backlog.splice(0)) {
      if (message.request) this.#request(message.request);
      else this.#notification(message.method ?? '', message.params ?? {});
    }
    const onAbort = () => server.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let end: RunEnd = {};
    try {
      const exited = server.exited.then((): RunEnd => ({}));
      await Promise.race([begin(), exited]);
      end = await Promise.race([this.#ended, exited]);
    } catch (error) {
      if (!(error instanceof AppServerError)) {
        server.stop();
        throw error;
      }
      this.#recorder.failed(`Codex could not run the turn: ${error.message}`);
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (end.paused && !ctx.signal.aborted) {
      // Messages until the next run are kept for it.
      server.handlers = {
        notification: (method, params) => state.backlog.push({ method, params }),
        request: (request) => state.backlog.push({ request }),
      };
      return { outcome: { usage: this.#total(), pausedOn: end.paused.call.id }, held: { session: ctx.session, state, ...end.paused } };
    }
    const completed = this.#recorder.outcome.completed;
    if (completed) await server.close(EXIT_AFTER_RESULT_MS);
    else server.stop();
    const exit = await server.exited;
    if (answering && !completed && this.#recorder.emitted === 0 && !ctx.signal.aborted) throw new HeldProcessGone();
    this.#translator.finish();
    if (ctx.signal.aborted) {
      this.#recorder.close('Cancelled before it finished.');
      ctx.signal.throwIfAborted();
    }
    this.#recorder.close('The agent stopped before this tool call finished.');
    const { failure, usage } = this.#recorder.outcome;
    if (completed && !failure) return { outcome: { usage } };
    const stderr = redact(server.stderrTail.trim(), this.#secrets);
    const how = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
    const detail = failure ? redact(failure, this.#secrets) : `codex app-server ended (${how}) before finishing the turn`;
    throw new TurnError(stderr !== '' && !failure ? `${detail}: ${stderr.slice(-1_000)}` : detail);
  }

  #total() {
    const cacheRead = this.#usage.cached;
    return { inputTokens: this.#usage.input, outputTokens: this.#usage.output, ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}) };
  }

  #notification(method: string, params: Json): void {
    const state = this.#state;
    if (!state) return;
    switch (method) {
      case 'item/started':
      case 'item/completed':
        return this.#item(obj(params.item), method === 'item/completed');
      case 'item/agentMessage/delta':
      case 'item/reasoning/summaryTextDelta': {
        const id = str(params.itemId);
        const grown = (state.texts.get(id) ?? '') + str(params.delta);
        state.texts.set(id, grown);
        const type = method === 'item/agentMessage/delta' ? 'agent_message' : 'reasoning';
        return this.#translator.handle({ type: 'item.updated', item: { id, type, text: grown } });
      }
      case 'thread/tokenUsage/updated': {
        const last = obj(obj(params.tokenUsage).last);
        this.#usage.input += num(last.inputTokens);
        this.#usage.cached += num(last.cachedInputTokens);
        this.#usage.output += num(last.outputTokens);
        this.#recorder.usage(this.#total());
        return;
      }
      case 'error': {
        const message = str(obj(params.error).message);
        if (params.willRetry === true) this.#recorder.warn(message);
        else this.#translator.handle({ type: 'error', message });
        return;
      }
      case 'turn/completed': {
        const turn = obj(params.turn);
        if (turn.status === 'completed') {
          this.#translator.handle({
            type: 'turn.completed',
            usage: { input_tokens: this.#usage.input, cached_input_tokens: this.#usage.cached, output_tokens: this.#usage.output },
          });
        } else {
          this.#translator.handle({ type: 'turn.failed', error: { message: str(obj(turn.error).message) || `Codex ended the turn ${str(turn.status)}.` } });
        }
        return this.#end({});
      }
    }
  }

  #item(item: Json, completed: boolean): void {
    const state = this.#state!;
    const converted = execItemOf(item);
    if (!converted) return;
    const call = toolCallOf(converted);
    if (call) state.calls.set(call.id, call);
    const denial = call && completed ? state.declined.get(call.id) : undefined;
    if (call && denial !== undefined) {
      this.#translator.handle({ type: 'item.started', item: converted });
      this.#recorder.toolResult(call.id, denial, true);
      return;
    }
    if (call && completed && !state.answered.has(call.id)) this.#unasked(call);
    this.#translator.handle({ type: completed ? 'item.completed' : 'item.started', item: converted });
  }

  /** A call Codex made without asking (a web search): logged when the policy would have held it, as it cannot be enforced. */
  #unasked(call: ToolCall): void {
    const policy = decide(this.#ctx.session.toolPolicy, call.name, policyInput(call));
    if (policy.action !== 'ALLOW' && policy.rule) {
      this.#ctx.log.warn({ tool: call.name, rule: describeRule(policy.rule) }, 'Codex made a call without asking, so the tool policy could not hold it');
    }
  }

  #request(request: ServerRequest): void {
    const server = this.#state!.server;
    switch (request.method) {
      case 'item/commandExecution/requestApproval':
      case 'item/fileChange/requestApproval':
        return this.#approval(request);
      case 'mcpServer/elicitation/request':
        // Codex asks before an MCP tool call this way; a server's own forms nobody is at a prompt to fill in.
        if (obj(request.params._meta).codex_approval_kind === 'mcp_tool_call') return this.#approval(request);
        return server.respond(request.id, ELICITATION.decline);
      default:
        return server.refuse(request.id, `Paddock does not answer ${request.method}.`);
    }
  }

  /** The call a request asks about: the item it names, or for an MCP tool call the first one of that tool not yet asked about. */
  #callOf(request: ServerRequest): ToolCall {
    const state = this.#state!;
    const { params } = request;
    if (request.method === 'mcpServer/elicitation/request') {
      const meta = obj(params._meta);
      const name = `mcp__${str(params.serverName)}__${str(meta.tool_name)}`;
      const started = [...state.calls.values()].find((c) => c.name === name && !state.answered.has(c.id));
      return started ?? { id: `${name}-${String(request.id)}`, name, input: obj(meta.tool_params) };
    }
    const itemId = str(params.itemId);
    const patch = request.method === 'item/fileChange/requestApproval';
    return state.calls.get(itemId) ?? { id: itemId, name: patch ? 'apply_patch' : 'shell', input: patch ? {} : { command: str(params.command) } };
  }

  /** Applies the agent's tool policy to a call Codex asks to make. */
  #approval(request: ServerRequest): void {
    const ctx = this.#ctx;
    const state = this.#state!;
    const call = this.#callOf(request);
    state.answered.add(call.id);
    const again = state.preApproved.findIndex((c) => sameCall(c, call));
    if (again >= 0) {
      state.preApproved.splice(again, 1);
      return accept(state.server, request);
    }
    const policy = decide(ctx.session.toolPolicy, call.name, policyInput(call));
    if (policy.action === 'ASK' && policy.rule) {
      // The call is already out as tool.call (item/started); the step it belongs to ends here.
      this.#recorder.endStep();
      const server = ctx.session.mcpServers.find((s) => call.name.startsWith(`mcp__${s.name}__`));
      ctx.emit({
        type: 'tool.approval_requested',
        id: call.id,
        name: call.name,
        input: call.input,
        rule: policy.rule,
        ...(server ? { server: server.name } : {}),
      });
      return this.#end({ paused: { request, call } });
    }
    if (policy.action === 'DENY' && policy.rule) {
      void this.#decline(request, call, `Denied by the agent's tool policy: ${describeRule(policy.rule)}.`);
      return;
    }
    accept(state.server, request);
  }

  /**
   * Declines a call. Codex tells the model only that the user rejected it, so the reason
   * goes to the model too, as input to the running turn; the call's result shows it.
   */
  async #decline(request: ServerRequest, call: ToolCall, reason: string): Promise<void> {
    const state = this.#state!;
    state.declined.set(call.id, reason);
    try {
      await state.server.request('turn/steer', {
        threadId: state.threadId,
        expectedTurnId: state.codexTurnId,
        input: text(`[Paddock] Your call of ${call.name} was not run. ${reason}`),
      });
    } catch (error) {
      this.#ctx.log.warn({ err: error }, 'could not tell Codex why its call was declined');
    }
    state.server.respond(request.id, request.method === 'mcpServer/elicitation/request' ? ELICITATION.decline : { decision: 'decline' });
  }
}
