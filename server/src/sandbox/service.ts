import { randomBytes } from 'node:crypto';
import { parseStoredToolCalls } from '@paddock/events';
import { RuntimeClient, type HistoryMessage } from '@paddock/harness-runtime/client';
import type { AgentService } from '../agents/service.ts';
import type { Config } from '../config/index.ts';
import type { Db, Message, Sandbox, SandboxPhase } from '../db/index.ts';
import type { HarnessCatalog } from '../harnesses/catalog.ts';
import type { Logger } from '../log/index.ts';
import { commandTokenFor, egressTokenHashes, GATEWAY_KEY_NAME, placeholderFor } from '../egress/placeholders.ts';
import { Redactor } from '../egress/redact.ts';
import { HOLDING_ADAPTERS, storedPolicy } from '../approvals/policy.ts';
import { headerSecretName, runtimeServers } from '../mcp/servers.ts';
import type { SecretBox } from '../secrets/index.ts';
import { metrics } from '../telemetry/metrics.ts';
import { SandboxError, sandboxName, type SandboxDriver, type SandboxLaunch } from './driver.ts';
import type { LoadedHarness } from '../harnesses/loader.ts';
import { LocalSandboxDriver } from './local/driver.ts';
import { keptByAnotherWorker, WarmPool, type WarmSandbox } from './local/warm-pool.ts';

export type SandboxSettings = {
  /** How long provisioning may take before the turn fails. */
  provisionTimeoutMs: number;
  /** Idle sandboxes are suspended after this long. */
  idleTimeoutMs: number;
  /** The model gateway sandboxes talk to; its key stays with the egress proxy. */
  gateway: { baseUrl: string; apiKey: string };
  /**
   * The egress proxy. `socketPath`: the worker's proxy socket, which the local driver
   * connects the sandbox to. `proxyUrl`: an address the sandbox reaches the proxy at
   * directly (the Kubernetes Service), handed to the runtime at attach time.
   */
  egress: { socketPath: string; proxyUrl?: string | undefined; caPem: string };
  /** Local sandboxes kept started ahead of their sessions, per harness in use; 0 keeps none. */
  warmPoolSize: number;
};

/**
 * Gives the worker a ready, attached runtime for a session: reuses a live sandbox,
 * or provisions one and rehydrates it from the conversation in Postgres. Records
 * the sandbox's phase so the API can show it.
 */
export class SandboxService {
  readonly #db: Db;
  readonly #driver: SandboxDriver;
  readonly #secrets: SecretBox;
  readonly #agents: AgentService;
  readonly #harnesses: HarnessCatalog;
  readonly #config: Config;
  readonly #log: Logger;
  readonly settings: SandboxSettings;
  /** Local sandboxes started ahead of their sessions; null when the driver or settings keep none. */
  readonly warm: WarmPool | null;
  /** Warm sandboxes taken from the pool whose session row may not be written yet. */
  readonly #claiming = new Set<string>();

  constructor(deps: {
    db: Db;
    driver: SandboxDriver;
    secrets: SecretBox;
    agents: AgentService;
    harnesses: HarnessCatalog;
    config: Config;
    log: Logger;
    settings: SandboxSettings;
  }) {
    this.#db = deps.db;
    this.#driver = deps.driver;
    this.#secrets = deps.secrets;
    this.#agents = deps.agents;
    this.#harnesses = deps.harnesses;
    this.#config = deps.config;
    this.#log = deps.log.child({ component: 'sandbox' });
    this.settings = deps.settings;
    const driver = deps.driver;
    this.warm =
      driver instanceof LocalSandboxDriver && deps.settings.warmPoolSize > 0
        ? new WarmPool({
            size: deps.settings.warmPoolSize,
            launch: (harness, name) => this.#launchWarm(driver, harness, name),
            destroy: (name) => driver.destroy(name),
            log: this.#log,
          })
        : null;
  }

  /** Starts keeping warm sandboxes for the harnesses the team's agents use. */
  async prewarm(): Promise<void> {
    if (!this.warm) return;
    const agents = await this.#db.agent.findMany({ distinct: ['harnessName'], select: { harnessName: true } });
    for (const { harnessName } of agents) {
      const harness = this.#harnesses.get(harnessName);
      if (harness) this.warm.want(harness);
    }
  }

  /** Removes the sandboxes still waiting in the warm pool. */
  async close(): Promise<void> {
    await this.warm?.close();
  }

  get driver(): SandboxDriver {
    return this.#driver;
  }

  /**
   * A runtime attached to this session, its history being every message before
   * `beforeMessageId`. `onProvision` is called when a new sandbox must be started.
   */
  async acquire(
    sessionId: string,
    beforeMessageId: string,
    onProvision: (message: string) => Promise<void>,
  ): Promise<{ runtime: RuntimeClient; launch: SandboxLaunch }> {
    const session = await this.#db.session.findUniqueOrThrow({ where: { id: sessionId }, include: { sandbox: true, agent: true } });
    const existing = session.sandbox;
    if (existing?.phase === 'READY' && existing.endpoint && existing.tokenCipher && existing.egressTokenCipher) {
      const client = new RuntimeClient({ baseUrl: existing.endpoint, token: this.#secrets.open(existing.tokenCipher), timeoutMs: 5_000 });
      const health = await client.health().catch(() => null);
      if (health) {
        if (health.sessionId !== sessionId)
          await this.#attach(client, session.agent, sessionId, beforeMessageId, this.#secrets.open(existing.egressTokenCipher));
        await this.#db.sandbox.update({ where: { sessionId }, data: { lastUsedAt: new Date() } });
        return { runtime: client, launch: 'reused' };
      }
      this.#log.info({ sessionId, sandbox: existing.name }, 'sandbox is gone; provisioning a new one');
    }

    const since = performance.now();
    const observe = (launch: 'warm' | 'new' | 'resume' | 'replace', outcome: 'ready' | 'failed') =>
      metrics.sandboxProvision.observe({ driver: this.#driver.kind, launch, outcome }, (performance.now() - since) / 1000);
    const harness = this.#harnesses.require(session.agent.harnessName);
    // A session whose sandbox was suspended resumes in it (its workspace is there); one
    // without a sandbox, or whose sandbox is gone for good, may take a warm one.
    const fresh = !existing || existing.phase === 'DELETED' || existing.phase === 'FAILED';
    this.warm?.want(harness);
    const warm = fresh ? this.warm?.take(harness.name) : undefined;
    if (warm) {
      this.#claiming.add(warm.name);
      const client = await this.#claimWarm(warm, session.agent, sessionId, beforeMessageId).finally(() => this.#claiming.delete(warm.name));
      if (client) {
        observe('warm', 'ready');
        return { runtime: client, launch: 'warm' };
      }
    }
    const launch = !existing ? 'new' : fresh ? 'replace' : 'resume';
    await onProvision(existing ? 'The previous sandbox is gone; starting a new one and restoring the conversation.' : 'Starting a sandbox.');
    const name = existing && !fresh ? existing.name : sandboxName(sessionId);
    const token = randomBytes(32).toString('base64url');
    const tokenCipher = this.#secrets.seal(token);
    const egressToken = randomBytes(32).toString('base64url');
    await this.#setPhase(sessionId, name, 'PROVISIONING', 'starting', {
      tokenCipher,
      egressTokenCipher: this.#secrets.seal(egressToken),
      ...egressTokenHashes(egressToken),
      endpoint: null,
    });
    try {
      const { url, launch: started } = await this.#driver.start(
        {
          name,
          sessionId,
          agentId: session.agentId,
          agentName: session.agent.name,
          teamId: session.teamId,
          harness,
          harnessFile: harness.file,
          token,
          env: this.#config.containerEnv,
          egressAllow: session.agent.egressAllow,
          egress: { socketPath: this.settings.egress.socketPath, caPem: this.settings.egress.caPem },
        },
        {
          deadline: Date.now() + this.settings.provisionTimeoutMs,
          // Progress only updates the message, and only while provisioning, so a late
          // write can never undo the final phase.
          report: (_phase, message) =>
            void this.#db.sandbox.updateMany({ where: { sessionId, phase: 'PROVISIONING' }, data: { statusMessage: message } }).catch(() => undefined),
        },
      );
      const client = new RuntimeClient({ baseUrl: url, token, timeoutMs: 30_000 });
      await this.#attach(client, session.agent, sessionId, beforeMessageId, egressToken);
      await this.#setPhase(sessionId, name, 'READY', 'ready', { endpoint: url, readyAt: new Date() });
      // A Kubernetes warm pool's pod counts as warm; otherwise the launch is what the session needed.
      observe(started === 'warm' ? 'warm' : launch, 'ready');
      return { runtime: client, launch: started ?? (launch === 'resume' ? 'resumed' : 'cold') };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      observe(launch, 'failed');
      await this.#setPhase(sessionId, name, 'FAILED', message).catch(() => undefined);
      await this.#driver.destroy(name).catch(() => undefined);
      throw error instanceof SandboxError ? error : new SandboxError(`Could not start the sandbox: ${message}`);
    }
  }

  /** Stops sandboxes idle for longer than the idle timeout; returns the sessions suspended. */
  async suspendIdle(): Promise<string[]> {
    const cutoff = new Date(Date.now() - this.settings.idleTimeoutMs);
    // A Claude Code or Codex sandbox stays while a turn awaits approval (at most the approval timeout): its CLI waits there for the answer.
    const holding = this.#harnesses
      .list()
      .filter((h) => HOLDING_ADAPTERS.includes(h.adapter))
      .map((h) => h.name);
    const idle = await this.#db.sandbox.findMany({
      // A turn awaiting approval is durable state: its sandbox can go, the turn rehydrates a new one.
      where: {
        phase: 'READY',
        lastUsedAt: { lt: cutoff },
        session: {
          OR: [{ status: { in: ['IDLE', 'FAILED'] } }, { status: 'AWAITING_APPROVAL', agent: { harnessName: { notIn: holding } } }],
        },
      },
    });
    const suspended: string[] = [];
    for (const sandbox of idle) {
      // Claim it first so a turn starting now sees it is no longer READY.
      const claimed = await this.#db.sandbox.updateMany({
        where: { sessionId: sandbox.sessionId, phase: 'READY', lastUsedAt: sandbox.lastUsedAt },
        data: { phase: 'SUSPENDING', statusMessage: 'idle' },
      });
      if (claimed.count === 0) continue;
      await this.#driver.suspend(sandbox.name).catch((error: unknown) => this.#log.warn({ err: error, sandbox: sandbox.name }, 'suspend failed'));
      await this.#db.sandbox.update({
        where: { sessionId: sandbox.sessionId },
        data: { phase: 'SUSPENDED', statusMessage: `idle for ${Math.round(this.settings.idleTimeoutMs / 1000)} s`, endpoint: null },
      });
      suspended.push(sandbox.sessionId);
    }
    return suspended;
  }

  async destroy(sessionId: string): Promise<void> {
    const sandbox = await this.#db.sandbox.findUnique({ where: { sessionId } });
    if (!sandbox || sandbox.phase === 'DELETED') return;
    await this.#driver.destroy(sandbox.name);
    await this.#db.sandbox.update({ where: { sessionId }, data: { phase: 'DELETED', statusMessage: 'session ended', endpoint: null } });
  }

  /** Whether a sandbox row still has the phase and token it was read with. */
  async #unchanged(row: Sandbox): Promise<boolean> {
    return (await this.#db.sandbox.count({ where: { sessionId: row.sessionId, phase: row.phase, tokenCipher: row.tokenCipher } })) > 0;
  }

  /**
   * After restarts: removes sandboxes whose session ended or vanished, and marks
   * sandboxes the database thinks are running but the driver no longer has.
   */
  async reconcile(): Promise<{ removed: string[]; vanished: string[] }> {
    // Rows first, then what runs: a sandbox suspended in between (housekeeping runs may
    // overlap) is then a READY row no longer running, which the guarded update below leaves
    // alone, rather than a running sandbox whose row says SUSPENDED, which would be removed.
    const rows = await this.#db.sandbox.findMany({ include: { session: { select: { status: true } } } });
    const live = new Set(await this.#driver.list());
    const byName = new Map(rows.map((r) => [r.name, r]));
    const removed: string[] = [];
    for (const name of live) {
      const row = byName.get(name);
      if (!row && (this.warm?.holds(name) || this.#claiming.has(name) || keptByAnotherWorker(name))) continue;
      // A warm sandbox a session took after the rows above were read has a row by now.
      if (!row && (await this.#db.sandbox.count({ where: { name } })) > 0) continue;
      if (!row || row.session.status === 'ENDED' || row.phase === 'DELETED' || row.phase === 'SUSPENDED') {
        // A turn may have started a new sandbox of this name since the rows were read.
        if (row && row.session.status !== 'ENDED' && !(await this.#unchanged(row))) continue;
        await this.#driver.destroy(name).catch(() => undefined);
        removed.push(name);
      }
    }
    const vanished: string[] = [];
    for (const row of rows) {
      if (row.phase !== 'READY' || live.has(row.name)) continue;
      // Only the sandbox that was read: a turn may be starting its replacement (a new token) under the same name.
      const marked = await this.#db.sandbox.updateMany({
        where: { sessionId: row.sessionId, phase: 'READY', tokenCipher: row.tokenCipher },
        data: { phase: 'DELETED', statusMessage: 'sandbox disappeared', endpoint: null },
      });
      if (marked.count > 0) vanished.push(row.name);
    }
    return { removed, vanished };
  }

  /**
   * Replaces every secret of the session's agent (and the gateway key) in text with
   * `[redacted:NAME]`: for everything recorded from the sandbox.
   */
  async redactorFor(sessionId: string): Promise<Redactor> {
    const session = await this.#db.session.findUniqueOrThrow({ where: { id: sessionId }, select: { agentId: true } });
    const secrets = await this.#agents.secretEnv(session.agentId);
    const headers = (await this.#agents.mcpServers(session.agentId)).flatMap((server) =>
      server.headers.flatMap((h) => {
        const name = headerSecretName(server.name, h.name);
        // A server may echo the credential without its scheme ("Bearer …").
        const credential = /^(?:bearer|basic|token)\s+(\S{8,})$/i.exec(h.value)?.[1];
        return [{ name, value: h.value }, ...(credential ? [{ name, value: credential }] : [])];
      }),
    );
    const gatewayKey = this.settings.gateway.apiKey;
    return new Redactor([...secrets, ...headers, ...(gatewayKey ? [{ name: GATEWAY_KEY_NAME, value: gatewayKey }] : [])]);
  }

  /**
   * Attaches a warm sandbox to the session, which owns it from then on: it gets its egress
   * tokens only now (a warm sandbox holds none). Null (the sandbox removed) when it
   * cannot be attached, for the caller to start a new one.
   */
  async #claimWarm(
    warm: WarmSandbox,
    agent: { id: string; systemPrompt: string; model: string; egressAllow: string[]; toolPolicy: unknown },
    sessionId: string,
    beforeMessageId: string,
  ): Promise<RuntimeClient | null> {
    const egressToken = randomBytes(32).toString('base64url');
    try {
      await this.#setPhase(sessionId, warm.name, 'PROVISIONING', 'attaching a warm sandbox', {
        tokenCipher: this.#secrets.seal(warm.token),
        egressTokenCipher: this.#secrets.seal(egressToken),
        ...egressTokenHashes(egressToken),
        endpoint: null,
      });
      const client = new RuntimeClient({ baseUrl: warm.url, token: warm.token, timeoutMs: 30_000 });
      await this.#attach(client, agent, sessionId, beforeMessageId, egressToken);
      await this.#setPhase(sessionId, warm.name, 'READY', 'ready (started ahead)', { endpoint: warm.url, readyAt: new Date() });
      return client;
    } catch (error) {
      this.#log.warn({ err: error, sessionId, sandbox: warm.name }, 'a warm sandbox could not be attached; starting a new one');
      await this.#driver.destroy(warm.name).catch(() => undefined);
      return null;
    }
  }

  async #launchWarm(driver: LocalSandboxDriver, harness: LoadedHarness, name: string): Promise<WarmSandbox> {
    const token = randomBytes(32).toString('base64url');
    try {
      const { url } = await driver.start(
        {
          name,
          harness,
          harnessFile: harness.file,
          token,
          env: this.#config.containerEnv,
          egress: { socketPath: this.settings.egress.socketPath, caPem: this.settings.egress.caPem },
        },
        { deadline: Date.now() + this.settings.provisionTimeoutMs, report: () => undefined, background: true },
      );
      return { name, url, harnessName: harness.name, token };
    } catch (error) {
      await driver.destroy(name).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The runtime only ever sees placeholders: for the agent's secrets and for the gateway
   * key. The egress proxy swaps them for the real values on the way out. The runtime's
   * egress token (model calls, gateway key) stays in the runtime; the agent's commands get
   * the command token, with which the gateway is out of reach.
   */
  async #attach(
    client: RuntimeClient,
    agent: { id: string; systemPrompt: string; model: string; egressAllow: string[]; toolPolicy: unknown },
    sessionId: string,
    beforeMessageId: string,
    egressToken: string,
  ) {
    const messages = await this.#db.message.findMany({ where: { sessionId, id: { lt: beforeMessageId } }, orderBy: { id: 'asc' } });
    const secrets = await this.#agents.secretEnv(agent.id);
    const servers = await this.#db.agentMcpServer.findMany({ where: { agentId: agent.id }, orderBy: { position: 'asc' } });
    const { proxyUrl } = this.settings.egress;
    const commandToken = commandTokenFor(egressToken);
    await client.attach({
      sessionId,
      systemPrompt: agent.systemPrompt,
      model: agent.model,
      gateway: { baseUrl: this.settings.gateway.baseUrl, apiKey: placeholderFor(egressToken, GATEWAY_KEY_NAME) },
      env: Object.fromEntries(secrets.map((s) => [s.name, placeholderFor(commandToken, s.name)])),
      // Without a proxy URL the runtime uses its sandbox's relay to the worker's proxy.
      egress: { ...(proxyUrl ? { proxyUrl } : {}), token: egressToken, commandToken },
      history: toHistory(messages),
      mcpServers: runtimeServers(servers, egressToken),
      toolPolicy: storedPolicy(agent.toolPolicy),
      // Locally, with no egress allowed, the agent's commands get no network at all (the
      // runtime still reaches the gateway). In Kubernetes the NetworkPolicy enforces egress,
      // and pods without capabilities could not make a network namespace anyway.
      limits: {
        commandNetwork: this.#driver.kind === 'local' && agent.egressAllow.length === 0 ? 'none' : 'host',
        modelFirstByteTimeoutMs: this.#config.model.firstByteTimeoutMs,
        modelIdleTimeoutMs: this.#config.model.streamIdleTimeoutMs,
        modelMaxRetries: this.#config.model.maxRetries,
      },
    });
  }

  async #setPhase(
    sessionId: string,
    name: string,
    phase: SandboxPhase,
    statusMessage: string,
    extra: {
      tokenCipher?: string;
      egressTokenCipher?: string;
      egressTokenHash?: string;
      commandTokenHash?: string;
      endpoint?: string | null;
      readyAt?: Date;
    } = {},
  ) {
    const data = { driver: this.#driver.kind, name, phase, statusMessage, lastUsedAt: new Date(), ...extra };
    await this.#db.sandbox.upsert({ where: { sessionId }, create: { sessionId, ...data }, update: data });
  }
}

/** Stored messages in the shape the runtime rehydrates from; unfinished replies are skipped. */
export function toHistory(messages: Message[]): HistoryMessage[] {
  const history: HistoryMessage[] = [];
  for (const m of messages) {
    if (m.role === 'ASSISTANT' && m.status !== 'COMPLETE' && !m.content && !m.toolCalls) continue;
    const role = m.role.toLowerCase() as HistoryMessage['role'];
    const entry: HistoryMessage = { role, content: m.content };
    const calls = parseStoredToolCalls(m.toolCalls);
    if (calls.length > 0) entry.toolCalls = calls.map(({ id, name, input }) => ({ id, name, input }));
    if (m.toolCallId) entry.toolCallId = m.toolCallId;
    history.push(entry);
  }
  return history;
}
