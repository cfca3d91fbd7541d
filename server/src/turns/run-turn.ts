import { parseStoredToolCalls, type SessionEventInput, type StoredToolCall, type TurnFailureCode } from '@paddock/events';
import { RuntimeError, type RuntimeClient, type RuntimeEvent } from '@paddock/harness-runtime/client';
import { TOOL_APPROVAL_REQUESTED, type ApprovalRequest, type ApprovalService } from '../approvals/service.ts';
import type { PriceBook, TokenUsage } from '../cost/prices.ts';
import type { Db, MessageStatus, Prisma, SessionStatus, TurnStatus } from '../db/index.ts';
import { persistently } from '../db/retry.ts';
import { appendBlocked, EGRESS_BLOCKED, type BlockedPayload } from '../egress/blocked.ts';
import { Redactor, type StreamRedactor } from '../egress/redact.ts';
import type { EventBus } from '../events/bus.ts';
import { withEvents } from '../events/log.ts';
import type { EventWriter } from '../events/writer.ts';
import { recordTurnEnd } from '../history/usage.ts';
import { newId } from '../ids/index.ts';
import type { Logger } from '../log/index.ts';
import { SandboxError } from '../sandbox/driver.ts';
import type { SandboxService } from '../sandbox/service.ts';
import { lockSession, moveSession, moveTurn, sessionStatusEvent } from '../sessions/lifecycle.ts';
import { recordTurnMetrics, recordUsageMetrics } from '../telemetry/turns.ts';
import { TurnTrace } from '../telemetry/tracing-turn.ts';
import { SEQ_BLOCK, TurnRecorder, type DeltaType } from './recorder.ts';
import { stepsOf } from './service.ts';
import { TurnTimeline } from './timeline.ts';

export type TurnDeps = {
  db: Db;
  bus: EventBus;
  writer: EventWriter;
  sandboxes: SandboxService;
  log: Logger;
  workerId: string;
  /** Aborted when a shutting-down worker's grace period ends: running turns then end FAILED. */
  shutdown: AbortSignal;
  /** A runtime that sends nothing for this long is health-checked; one that does not answer is frozen. */
  streamIdleTimeoutMs: number;
  /** How often a running turn proves its worker alive; well inside the stale-turn threshold. */
  heartbeatMs: number;
  approvals: ApprovalService;
  prices: PriceBook;
};

const SHUTDOWN_ERROR =
  'The worker was shut down before this turn finished (it had PADDOCK_SHUTDOWN_GRACE_SECONDS to do so); send the message again to continue.';

/** How long a health check of a silent runtime may take before the sandbox counts as frozen. */
const HEALTH_TIMEOUT_MS = 5_000;
/** A claim keeps retrying through a database outage this long; then the queue retries the job. */
const CLAIM_DEADLINE_MS = 60_000;
/** How long after its turn a worker still records the egress proxy's late refusal notices. */
const BLOCKED_GRACE_MS = 5_000;

type StepMessage = { id: string; content: string; toolCalls: StoredToolCall[] };
type Outcome = { status: Exclude<TurnStatus, 'QUEUED' | 'RUNNING'>; error?: string; code?: TurnFailureCode; usage?: TokenUsage };

/**
 * Runs one turn: claims it, gets the session's runtime from the sandbox service,
 * streams the runtime's events into the session's log and message rows, and always
 * ends with exactly one of turn.completed / turn.failed / turn.cancelled.
 */
export async function runTurn(turnId: string, deps: TurnDeps): Promise<void> {
  const { db, log } = deps;
  const claimed = await persistently(() => claim(db, turnId, deps.workerId), {
    deadlineMs: CLAIM_DEADLINE_MS,
    onRetry: (error, attempt) => log.warn({ err: error, turnId, attempt }, 'claiming the turn failed; retrying'),
  });
  if (!claimed) return;
  const { turn, lastSeq, model, harness } = claimed;
  const claimedAt = performance.now();
  let firstTokenAt: number | null = null;
  // A turn that paused for approval continues with the decisions taken since.
  const decisions = await deps.approvals.decisions(turnId);
  let approval: ApprovalRequest | null = null;
  const recorder = new TurnRecorder({
    sessionId: turn.sessionId,
    lastSeq,
    ceiling: lastSeq + SEQ_BLOCK,
    reserve: async (ceiling) => {
      await db.session.updateMany({ where: { id: turn.sessionId, lastSeq: { lt: ceiling } }, data: { lastSeq: ceiling } });
    },
    writer: deps.writer,
  });
  const turnLog = log.child({ turnId, sessionId: turn.sessionId });
  const traced = TurnTrace.begin({
    turnId,
    sessionId: turn.sessionId,
    traceContext: turn.traceContext,
    queuedAt: turn.queuedAt,
    claimedAt: claimed.claimedAt,
    agent: claimed.agent,
    gatewayUrl: deps.sandboxes.settings.gateway.baseUrl,
  });
  const timeline = new TurnTimeline({
    model: claimed.agent.model,
    startedAt: claimed.claimedAt.getTime(),
    observer: traced ?? undefined,
    // A resumed turn goes on with the steps and first token of the run that paused.
    ...(decisions ? { steps: stepsOf(turn), firstTokenAt: turn.firstTokenAt?.getTime() ?? null } : {}),
  });
  // Steps are stored as each one ends, so the timeline survives a worker that dies mid-turn.
  let stepsWritten: Promise<unknown> = Promise.resolve();
  const saveTimeline = (extra: Prisma.TurnUpdateInput = {}) => {
    stepsWritten = stepsWritten
      .then(() => db.turn.update({ where: { id: turnId }, data: { ...timelineData(), ...extra }, select: { id: true } }))
      .catch((error: unknown) => turnLog.debug({ err: error }, 'could not store the turn timeline yet; it is stored when the turn ends'));
  };
  const timelineData = () => ({
    steps: timeline.steps as unknown as Prisma.InputJsonValue,
    firstTokenAt: timeline.firstTokenAt === null ? null : new Date(timeline.firstTokenAt),
  });
  const abort = new AbortController();
  let runtime: RuntimeClient | null = null;
  let cancelRequested = turn.cancelRequestedAt !== null;

  const stop = () => {
    if (runtime) void runtime.cancel(turnId).catch(() => abort.abort());
    else abort.abort();
    // The runtime answers within a second; if it does not, stop reading anyway.
    setTimeout(() => abort.abort(), 1_500).unref();
  };
  // Refusals by the egress proxy arrive on the control channel, possibly a little after
  // the request that caused them: while the turn records they join its events; once its
  // closing events are written they are appended to the log like any event between turns.
  let blockedAfterTurn: BlockedPayload[] | null = null;
  let turnClosed = false;
  const onBlocked = (payload: BlockedPayload) => {
    // Once this turn has ended, a refusal is appended between turns; should the next turn
    // already run, appendBlocked leaves it to that turn, which got the same notice.
    if (turnClosed)
      void appendBlocked(db, deps.bus, turn.sessionId, payload).catch((error: unknown) => turnLog.warn({ err: error }, 'could not record an egress refusal'));
    else if (blockedAfterTurn) blockedAfterTurn.push(payload);
    else recorder.record({ type: EGRESS_BLOCKED, payload });
  };
  const cancel = () => {
    if (cancelRequested || turnClosed) return;
    cancelRequested = true;
    turnLog.info('cancel requested');
    stop();
  };
  const stopControl = deps.bus.onControl((message) => {
    if (message.kind === 'egress.blocked' && message.sessionId === turn.sessionId)
      onBlocked({ host: message.host, port: message.port, reason: message.reason });
    if (message.kind === 'cancel' && message.turnId === turnId) cancel();
  });
  const onShutdown = () => stop();
  deps.shutdown.addEventListener('abort', onShutdown);
  // The heartbeat also picks up a cancel whose notification was lost (the bus was down).
  const heartbeat = setInterval(() => {
    void db.turn.update({ where: { id: turnId }, data: { heartbeatAt: new Date() }, select: { cancelRequestedAt: true } }).then(
      (row) => row.cancelRequestedAt && cancel(),
      () => undefined,
    );
  }, deps.heartbeatMs);

  const messages: StepMessage[] = [];
  let current: StepMessage | null = null;
  let frozen = false;
  let idleTimer: NodeJS.Timeout | undefined;

  /** Marks the session's sandbox unusable and stops it, so the next message gets a fresh one. */
  async function retireSandbox(reason: string) {
    try {
      const sandbox = await db.sandbox.findUnique({ where: { sessionId: turn.sessionId } });
      if (!sandbox) return;
      await db.sandbox.updateMany({ where: { sessionId: turn.sessionId, phase: 'READY' }, data: { phase: 'FAILED', statusMessage: reason, endpoint: null } });
      await deps.sandboxes.driver.destroy(sandbox.name);
      turnLog.warn({ sandbox: sandbox.name, reason }, 'sandbox retired');
    } catch (error) {
      turnLog.warn({ err: error }, 'could not retire the sandbox; the next message health-checks it');
    }
  }
  /** Turn writes ride out a database outage instead of failing the turn. */
  const durably = <T>(work: () => Promise<T>) =>
    persistently(work, { onRetry: (error, attempt) => attempt === 1 && turnLog.warn({ err: error }, 'database write failed; retrying until it succeeds') });
  const ensureMessage = async (): Promise<StepMessage> => {
    if (current) return current;
    const message: StepMessage = { id: newId(), content: '', toolCalls: [] };
    await durably(() =>
      db.message.upsert({
        where: { id: message.id },
        create: { id: message.id, sessionId: turn.sessionId, role: 'ASSISTANT', content: '', status: 'STREAMING', model: claimed.model },
        update: {},
      }),
    );
    messages.push(message);
    current = message;
    return message;
  };

  // Everything from the sandbox is redacted here, before it is published or stored, so
  // no harness can leak a secret value into the log. Streamed text is redacted as a
  // stream: a value split across deltas is held back until it can be replaced whole.
  let redactor = new Redactor([]);
  let streams: { messageId: string; type: DeltaType; stream: StreamRedactor }[] = [];
  const streamed = (message: StepMessage, type: DeltaType, text: string, t: number) => {
    let entry = streams.find((s) => s.messageId === message.id && s.type === type);
    if (!entry) streams.push((entry = { messageId: message.id, type, stream: redactor.stream() }));
    emitDelta(message, type, entry.stream.push(text), t);
  };
  const emitDelta = (message: StepMessage, type: DeltaType, text: string, t: number) => {
    if (!text) return;
    if (type === 'message.delta') message.content += text;
    recorder.delta(message.id, text, t, type);
  };
  const flushStreams = () => {
    for (const entry of streams) {
      const message = messages.find((m) => m.id === entry.messageId);
      if (message) emitDelta(message, entry.type, entry.stream.flush(), Date.now());
    }
    streams = [];
  };

  /**
   * Moves the session while this worker still owns the turn (recovery may have ended it
   * while the worker was cut off) and records the status event in the turn's log.
   */
  const moveOwnSession = async (to: SessionStatus, message?: string) => {
    const event = await durably(() =>
      db.$transaction(async (tx) => {
        const from = await lockSession(tx, turn.sessionId);
        const own = await tx.turn.findUnique({ where: { id: turnId }, select: { status: true } });
        if (from === null || own?.status !== 'RUNNING') return null;
        return moveSession(tx, turn.sessionId, from, to, message === undefined ? {} : { message });
      }),
    );
    if (event) recorder.record(event);
  };

  let outcome: Outcome;
  try {
    recorder.record({ type: 'turn.started', payload: { turnId } });
    redactor = await deps.sandboxes.redactorFor(turn.sessionId);
    traced?.input(redactor.text(claimed.content));
    if (cancelRequested) throw new CancelledBeforeStart();
    const acquireStarted = Date.now();
    const driver = deps.sandboxes.driver.kind;
    let provisioned = false;
    const acquired = await deps.sandboxes
      // A resumed turn's sandbox, if it must be rehydrated, needs the turn's own messages too.
      .acquire(turn.sessionId, decisions ? newId() : turn.userMessageId, async (message) => {
        provisioned = true;
        await moveOwnSession('PROVISIONING', message);
      })
      .catch((error: unknown) => {
        traced?.sandboxAcquired(acquireStarted, Date.now(), { driver, error: redactor.text(error instanceof Error ? error.message : String(error)) });
        throw error;
      });
    runtime = acquired.runtime;
    const sandboxReadyAt = Date.now();
    traced?.sandboxAcquired(acquireStarted, sandboxReadyAt, { driver, launch: acquired.launch });
    // A resumed turn's timeline keeps the sandbox its first run had; its trace shows this one too.
    if (!decisions) saveTimeline({ sandboxReadyAt: new Date(sandboxReadyAt), sandboxLaunch: acquired.launch });
    if (cancelRequested) throw new CancelledBeforeStart();
    if (provisioned) await moveOwnSession('RUNNING');

    outcome = { status: 'FAILED', code: 'HARNESS_ERROR', error: 'The harness runtime ended the turn without a result.' };
    const live = runtime;
    // A silent runtime may just be busy (a long command): only one that also ignores a
    // health check is frozen.
    const checkAlive = async () => {
      const healthy = await Promise.race([
        live.health().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS).unref()),
      ]);
      if (healthy) {
        lastEventAt = performance.now();
        watchIdle(deps.streamIdleTimeoutMs);
      } else if (!abort.signal.aborted) {
        frozen = true;
        abort.abort();
      }
    };
    // One timer per turn, not one per event: each event only notes its time, and the
    // timer, when it fires, sleeps again for whatever silence is still allowed.
    let lastEventAt = performance.now();
    const watchIdle = (ms: number) => {
      idleTimer = setTimeout(() => {
        const allowed = deps.streamIdleTimeoutMs - (performance.now() - lastEventAt);
        if (allowed > 0) watchIdle(allowed);
        else void checkAlive();
      }, ms);
    };
    watchIdle(deps.streamIdleTimeoutMs);
    const request = decisions ? { turnId, content: '', resume: { decisions } } : { turnId, content: claimed.content };
    const traceparent = traced?.traceparent;
    for await (const event of runtime.startTurn(request, { signal: abort.signal, ...(traceparent ? { traceparent } : {}) })) {
      lastEventAt = performance.now();
      if (event.type !== 'message.delta' && event.type !== 'message.thinking') flushStreams();
      const redacted = redactEvent(event);
      if (timeline.observe(redacted)) saveTimeline();
      const terminal = await translate(redacted);
      if (terminal) {
        outcome = terminal;
        break;
      }
      // Backpressure: while the database is not taking events, stop reading the runtime.
      const room = recorder.ready();
      if (room) await room;
    }
  } catch (error) {
    if (deps.shutdown.aborted && !cancelRequested) outcome = { status: 'FAILED', code: 'WORKER_SHUTDOWN', error: SHUTDOWN_ERROR };
    else if (error instanceof CancelledBeforeStart || (cancelRequested && abort.signal.aborted)) outcome = { status: 'CANCELLED' };
    else if (frozen) {
      outcome = {
        status: 'FAILED',
        code: 'SANDBOX_UNRESPONSIVE',
        error: `The agent's sandbox stopped responding (no events for ${Math.round(deps.streamIdleTimeoutMs / 1000)} s and no answer to a health check; PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS). It was stopped and a new one will start with your next message; send the message again.`,
      };
      await retireSandbox('frozen: stopped responding');
    } else if (error instanceof RuntimeError && (error.code === 'unreachable' || error.code === 'stream_interrupted')) {
      outcome = {
        status: 'FAILED',
        code: 'SANDBOX_LOST',
        error: `Lost the connection to the agent's sandbox during this turn (it may have crashed or been stopped): ${error.message}. A new sandbox will start with your next message; send the message again.`,
      };
      await retireSandbox('crashed: lost connection during a turn');
    } else if (error instanceof SandboxError) outcome = { status: 'FAILED', code: 'SANDBOX_UNAVAILABLE', error: error.message };
    else {
      turnLog.error({ err: error }, 'turn failed');
      outcome = { status: 'FAILED', code: 'INTERNAL', error: `The turn stopped unexpectedly: ${(error as Error).message}` };
    }
  } finally {
    flushStreams();
    clearTimeout(idleTimer);
    deps.shutdown.removeEventListener('abort', onShutdown);
  }
  // A runtime that honoured the shutdown reports the turn cancelled; it was not the user's doing.
  if (deps.shutdown.aborted && !cancelRequested && outcome.status === 'CANCELLED')
    outcome = { status: 'FAILED', code: 'WORKER_SHUTDOWN', error: SHUTDOWN_ERROR };
  if (outcome.error) outcome.error = redactor.text(outcome.error);
  // The call a paused turn waits on stays open in its steps until the resumed turn runs it.
  if (outcome.status !== 'AWAITING_APPROVAL') timeline.close(Date.now(), outcome.status, outcome.error);
  try {
    // The heartbeat goes on while the end is stored, so recovery leaves the turn alone.
    await stepsWritten;
    await finish(outcome);
  } finally {
    traced?.end(outcome, messages.at(-1)?.content);
    clearInterval(heartbeat);
    turnClosed = true;
    for (const payload of blockedAfterTurn ?? []) onBlocked(payload);
    setTimeout(stopControl, BLOCKED_GRACE_MS).unref();
  }

  /** Deltas are redacted as streams in `translate`; everything else whole. */
  function redactEvent(event: RuntimeEvent): RuntimeEvent {
    if (redactor.empty || event.type === 'message.delta' || event.type === 'message.thinking') return event;
    return redactor.value(event);
  }

  async function translate(event: RuntimeEvent): Promise<Outcome | null> {
    switch (event.type) {
      case 'turn.started':
        return null;
      case 'model.request':
      case 'model.response':
        // Model request boundaries go into the turn's steps (TurnTimeline), not the event log.
        return null;
      case 'message.delta':
      case 'message.thinking': {
        firstTokenAt ??= performance.now();
        const message = await ensureMessage();
        streamed(message, event.type, event.delta, event.t);
        return null;
      }
      case 'message.completed': {
        const message = await ensureMessage();
        message.content = event.content;
        recorder.record({ type: 'message.completed', messageId: message.id, payload: { content: event.content } });
        return null;
      }
      case 'tool.call': {
        const message = await ensureMessage();
        message.toolCalls.push({ id: event.id, name: event.name, input: event.input });
        recorder.record({ type: 'tool.call', messageId: message.id, payload: { id: event.id, name: event.name, input: event.input, ...serverOf(event) } });
        return null;
      }
      case 'tool.approval_requested': {
        const expiresAt = new Date(Date.now() + deps.approvals.timeoutMs);
        approval = {
          sessionId: turn.sessionId,
          turnId,
          toolCallId: event.id,
          tool: event.name,
          server: event.server ?? null,
          input: event.input,
          rule: { ...event.rule },
          expiresAt,
        };
        recorder.record({
          type: TOOL_APPROVAL_REQUESTED,
          messageId: current?.id ?? null,
          payload: {
            toolCallId: event.id,
            tool: event.name,
            ...serverOf(event),
            input: event.input,
            rule: { ...event.rule },
            expiresAt: expiresAt.toISOString(),
          },
        });
        return null;
      }
      case 'mcp.error':
        recorder.record({ type: 'mcp.error', payload: { server: event.server, phase: event.phase, error: event.error } });
        return null;
      case 'tool.result': {
        const call = current?.toolCalls.find((c) => c.id === event.id);
        if (call) Object.assign(call, { output: event.output, isError: event.isError });
        // A call that waited for approval belongs to a message stored when the turn paused.
        else await durably(() => recordPausedCallResult(db, turn.sessionId, event));
        const toolMessageId = newId();
        const data = {
          id: toolMessageId,
          sessionId: turn.sessionId,
          role: 'TOOL' as const,
          content: event.output,
          toolCallId: event.id,
          status: event.isError ? ('FAILED' as const) : ('COMPLETE' as const),
          completedAt: new Date(),
        };
        await durably(() => db.message.upsert({ where: { id: toolMessageId }, create: data, update: {} }));
        recorder.record({
          type: 'tool.result',
          messageId: toolMessageId,
          payload: { id: event.id, output: event.output, isError: event.isError, ...serverOf(event) },
        });
        // The model's next step starts a new assistant message.
        if (current) await saveMessage(current, 'COMPLETE');
        current = null;
        return null;
      }
      case 'model.retry':
        recorder.record({
          type: 'model.retry',
          payload: { attempt: event.attempt, maxRetries: event.maxRetries, status: event.status ?? null, delayMs: event.delayMs, error: event.error },
        });
        return null;
      case 'turn.completed':
        return { status: 'COMPLETED', usage: event.usage };
      case 'turn.failed':
        return { status: 'FAILED', code: 'HARNESS_ERROR', error: event.error, ...(event.usage ? { usage: event.usage } : {}) };
      case 'turn.cancelled':
        return { status: 'CANCELLED', ...(event.usage ? { usage: event.usage } : {}) };
      case 'turn.paused':
        if (!approval || approval.toolCallId !== event.toolCallId)
          return { status: 'FAILED', error: 'The harness runtime paused the turn without saying which tool call awaits approval.', usage: event.usage };
        return { status: 'AWAITING_APPROVAL', usage: event.usage };
    }
  }

  async function saveMessage(message: StepMessage, status: MessageStatus, extra: Prisma.MessageUpdateInput = {}) {
    await durably(() =>
      db.message.update({
        where: { id: message.id },
        data: {
          content: message.content,
          toolCalls: message.toolCalls.length > 0 ? (message.toolCalls as Prisma.InputJsonValue) : undefined,
          status,
          completedAt: new Date(),
          ...extra,
        },
      }),
    );
  }

  async function finish(result: Outcome) {
    const usage = result.usage ?? { inputTokens: 0, outputTokens: 0 };
    const paused = result.status === 'AWAITING_APPROVAL' ? approval : null;
    const cacheReadTokens = usage.cacheReadTokens ?? 0;
    const cacheWriteTokens = usage.cacheWriteTokens ?? 0;
    const tokens = usage.inputTokens + usage.outputTokens;
    // Priced once, when the turn ends, at the prices then in force.
    const costUsd = tokens === 0 ? 0 : deps.prices.costUsd(model, usage);
    // A resumed turn adds this run to what it used before it paused; the session counts each run once.
    const turnUsage = decisions
      ? { inputTokens: (turn.inputTokens ?? 0) + usage.inputTokens, outputTokens: (turn.outputTokens ?? 0) + usage.outputTokens }
      : usage;
    const turnCostUsd = !decisions ? costUsd : costUsd === null || turn.costUsd === null ? null : turn.costUsd + costUsd;
    const messageStatus: MessageStatus = result.status === 'COMPLETED' || result.status === 'AWAITING_APPROVAL' ? 'COMPLETE' : result.status;
    const last = messages.at(-1);
    // Earlier steps were saved at their tool results; the in-progress step is always the
    // last message, and it carries the turn's usage.
    if (last) {
      await saveMessage(last, messageStatus, {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        costUsd,
        ...(result.error ? { error: result.error } : {}),
      });
    }
    await recorder.persist();
    // The turn's end and the session's new status commit together and are published
    // after: a client that sees them can send the next message at once. A paused turn
    // has not ended: the session awaits approval and the turn waits, owned by no worker.
    const sessionStatus: SessionStatus = paused ? 'AWAITING_APPROVAL' : result.status === 'FAILED' && !last ? 'FAILED' : 'IDLE';
    blockedAfterTurn = [];
    const closing = [
      // A paused turn has no end event: it has not ended.
      ...(result.status === 'AWAITING_APPROVAL' ? [] : [recorder.next(turnEnd(turnId, { ...result, status: result.status }, turnUsage, last?.id ?? null))]),
      recorder.next(sessionStatusEvent(sessionStatus)),
    ];
    // Retried until the database takes it. A retry first checks whether an earlier
    // attempt did commit (its answer lost with the connection), or recovery ended the turn.
    let attempt = 0;
    const committed = await durably(async () => {
      if (attempt++ > 0) {
        const row = await db.turn.findUnique({ where: { id: turnId }, select: { status: true } });
        if (row?.status !== 'RUNNING') {
          const stored = (await db.sessionEvent.count({ where: { sessionId: turn.sessionId, seq: closing[0]!.seq, type: closing[0]!.type } })) > 0;
          // Committed, but its acknowledgement (and so the publishing) was lost.
          if (stored) deps.bus.publish(closing);
          return stored;
        }
      }
      return withEvents(db, deps.bus, async ({ tx, insert }) => {
        const from = await lockSession(tx, turn.sessionId);
        // Recovery ended the turn while this worker was cut off: its end is already in the log.
        const ended = {
          endedAt: paused ? null : new Date(),
          error: result.error ?? null,
          assistantMessageId: last?.id ?? null,
          inputTokens: turnUsage.inputTokens,
          outputTokens: turnUsage.outputTokens,
          ...timelineData(),
          costUsd: turnCostUsd,
        };
        if (!(await moveTurn(tx, turnId, 'RUNNING', result.status, ended))) return false;
        const toolCalls = messages.flatMap((m) => m.toolCalls.map((c) => c.name));
        // A paused turn has not ended: the rollups count it, with both runs, when it does.
        if (result.status !== 'AWAITING_APPROVAL' && ended.endedAt) {
          for (const statement of recordTurnEnd(tx, {
            turnId,
            sessionId: turn.sessionId,
            status: result.status,
            endedAt: ended.endedAt,
            model,
            usage: turnUsage,
            costUsd: turnCostUsd,
            toolCalls,
          }))
            await statement;
        }
        if (from === null) throw new Error(`session ${turn.sessionId} of turn ${turnId} is missing`);
        await moveSession(tx, turn.sessionId, from, sessionStatus);
        await tx.session.update({
          where: { id: turn.sessionId },
          data: {
            lastSeq: recorder.lastSeq,
            lastActiveAt: new Date(),
            inputTokens: { increment: usage.inputTokens },
            outputTokens: { increment: usage.outputTokens },
            cacheReadTokens: { increment: cacheReadTokens },
            cacheWriteTokens: { increment: cacheWriteTokens },
            costUsd: { increment: costUsd ?? 0 },
            unpricedTokens: { increment: costUsd === null ? tokens : 0 },
          },
        });
        await insert(closing);
        await tx.sandbox.updateMany({ where: { sessionId: turn.sessionId, phase: 'READY' }, data: { lastUsedAt: new Date() } });
        // No reply to carry the error: it stays on the message the turn answered.
        if (result.error && !last) await tx.message.update({ where: { id: turn.userMessageId }, data: { error: result.error } });
        if (paused) await deps.approvals.request(tx, paused);
        return true;
      });
    });
    if (!committed) {
      turnLog.warn({ status: result.status }, 'the turn was ended by recovery while its end was being stored');
      return;
    }
    // A paused turn has not ended: only what this run used counts now.
    if (result.status === 'AWAITING_APPROVAL') recordUsageMetrics({ model, usage, costUsd });
    else {
      recordTurnMetrics({
        outcome: result.status,
        harness,
        model,
        durationSeconds: (performance.now() - claimedAt) / 1000,
        firstTokenSeconds: firstTokenAt === null ? null : (firstTokenAt - claimedAt) / 1000,
        usage,
        costUsd,
      });
    }
    turnLog.info({ status: result.status, usage, costUsd, seq: recorder.lastSeq }, 'turn finished');
  }
}

class CancelledBeforeStart extends Error {}

/** The event that closes a turn, by its outcome. */
function turnEnd(
  turnId: string,
  result: Outcome & { status: Exclude<Outcome['status'], 'AWAITING_APPROVAL'> },
  usage: { inputTokens: number; outputTokens: number },
  messageId: string | null,
): SessionEventInput {
  switch (result.status) {
    case 'COMPLETED':
      return { type: 'turn.completed', messageId, payload: { turnId, usage } };
    case 'CANCELLED':
      return { type: 'turn.cancelled', messageId, payload: { turnId, usage } };
    case 'FAILED':
      return { type: 'turn.failed', messageId, payload: { turnId, usage, error: result.error ?? 'The turn failed.', code: result.code ?? 'INTERNAL' } };
  }
}

/** Puts a resumed call's result on the assistant message that made it, as for any other call. */
async function recordPausedCallResult(db: Db, sessionId: string, result: { id: string; output: string; isError: boolean }): Promise<void> {
  const recent = await db.message.findMany({
    where: { sessionId, role: 'ASSISTANT' },
    orderBy: { id: 'desc' },
    take: 10,
    select: { id: true, toolCalls: true },
  });
  for (const message of recent) {
    const calls = parseStoredToolCalls(message.toolCalls);
    if (!calls.some((c) => c.id === result.id)) continue;
    const toolCalls = calls.map((c) => (c.id === result.id ? { ...c, output: result.output, isError: result.isError } : c));
    await db.message.update({ where: { id: message.id }, data: { toolCalls: toolCalls as Prisma.InputJsonValue } });
    return;
  }
}

/** The MCP server a tool event names, as event payloads carry it. */
function serverOf(event: { server?: string }): { server?: string } {
  return event.server ? { server: event.server } : {};
}

/**
 * Takes ownership of a QUEUED turn under the session row lock and returns the seq to
 * continue from. A turn that is not QUEUED was already run or recovered: skip it.
 */
async function claim(db: Db, turnId: string, workerId: string) {
  return db.$transaction(
    async (tx) => {
      const turn = await tx.turn.findUnique({ where: { id: turnId } });
      if (!turn || turn.status !== 'QUEUED') return null;
      const [session] = await tx.$queryRaw<{ lastSeq: number; maxSeq: number | null }[]>`
      SELECT s."lastSeq", (SELECT MAX(seq) FROM "SessionEvent" e WHERE e."sessionId" = s.id) AS "maxSeq"
      FROM "Session" s WHERE s.id = ${turn.sessionId}::uuid FOR UPDATE`;
      if (!session) return null;
      const [message, agent] = await Promise.all([
        tx.message.findUniqueOrThrow({ where: { id: turn.userMessageId } }),
        tx.session.findUniqueOrThrow({ where: { id: turn.sessionId } }).agent({ select: { id: true, name: true, harnessName: true, model: true } }),
      ]);
      const now = new Date();
      // A turn resumed after an approval keeps the time it first started.
      if (!(await moveTurn(tx, turnId, 'QUEUED', 'RUNNING', { workerId, startedAt: turn.startedAt ?? now, heartbeatAt: now, attempts: { increment: 1 } })))
        return null;
      const lastSeq = Math.max(session.lastSeq, session.maxSeq ?? 0);
      await tx.session.update({ where: { id: turn.sessionId }, data: { lastSeq: lastSeq + SEQ_BLOCK } });
      return {
        turn,
        lastSeq,
        content: message.content,
        model: agent.model,
        harness: agent.harnessName,
        claimedAt: now,
        agent: { id: agent.id, name: agent.name, harness: agent.harnessName, model: agent.model },
      };
      // A burst of claims waits its turn for a connection rather than failing.
    },
    { maxWait: 15_000, timeout: 20_000 },
  );
}
