/**
 * Prisma's schema engine (the thing behind `prisma migrate deploy` and `prisma migrate
 * diff`), run from WebAssembly. The Prisma CLI wants to download a native engine
 * binary, which is impossible offline; `@prisma/schema-engine-wasm` ships the same
 * engine compiled to wasm and talks to PostgreSQL through a driver adapter instead.
 *
 * `@prisma/adapter-pg` as-is has gaps for migration work, so the adapter factory here
 * wraps it:
 * - `executeScript` runs a migration as ONE simple-protocol query, the way the native
 *   engine does (adapter-pg splits on every `;`, breaking `$$ … ; … $$` bodies, and runs
 *   the pieces on arbitrary pool connections). One multi-statement query is also one
 *   implicit transaction, so a failed migration leaves nothing half-applied.
 * - Columns of Postgres' internal `"char"` type (OID 18, used by the catalog queries the
 *   engine's schema describer runs) are unsupported by adapter-pg; they are relabelled as
 *   text on the wire and reported to the engine as `Character`.
 * - The shadow database (a scratch database for diffing) is created and dropped here:
 *   adapter-pg's own version ignores the scratch database when configured by connection
 *   string and drops it while its pool still holds connections.
 * - Each pool has a single connection: the engine takes `pg_advisory_lock` through the
 *   adapter and never unlocks it, so it must stay on one session (which ends with the pool).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as runtime from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { withClient } from './with-client.ts';
import { quoteIdent, withDatabase } from './url.ts';

export type { MigrationList, SchemaEngine };

export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

const CHAR_OID = 18;
const TEXT_OID = 25;
/** Appended to a `"char"` column's name on the wire so the adapter wrapper can find it. */
const CHAR_MARK = '\u0000paddock:char';

type PanicRegistry = { set_message(message: string): void };
let lastPanic: string | undefined;
// The wasm glue reports Rust panics through this global; without it a panic becomes an
// unhelpful "Cannot read properties of undefined".
const globals = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
globals.PRISMA_WASM_PANIC_REGISTRY ??= {
  set_message(message: string) {
    lastPanic = message;
  },
};

let wasmReady: Promise<void> | undefined;

/**
 * Instantiates the engine's wasm once per process (wasm-bindgen keeps module-level state,
 * so a second instantiation would clobber the first). The package's own entry point does
 * `import … from "./schema_engine_bg.wasm"`, which Node cannot load, hence by hand.
 */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(glue), 'schema_engine_bg.wasm'));
    const module = await WebAssembly.compile(bytes);
    const imports: WebAssembly.ModuleImports = { ...(runtime as unknown as WebAssembly.ModuleImports) };
    // The engine arms ~10 s timers (timeouts around its queries) and never clears them, so a
    // process that migrated lingers for 10 s before it can exit. Unref them: while the engine
    // works, its open database connections keep the process alive anyway.
    for (const name of Object.keys(imports).filter((n) => n.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': imports });
    runtime.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  wasmReady.catch(() => {
    wasmReady = undefined;
  });
  return wasmReady;
}

type WireField = { name: string; dataTypeID: number };

function hasFields(message: unknown): message is { fields: WireField[] } {
  return typeof message === 'object' && message !== null && Array.isArray((message as { fields?: unknown }).fields);
}

/** Runs before pg's own handler, on the same message object. */
function relabelCharColumns(message: unknown): void {
  if (!hasFields(message)) return;
  for (const field of message.fields) {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      field.name += CHAR_MARK;
    }
  }
}

function toAdapterError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) {
    return new DriverAdapterError({
      kind: 'postgres',
      code: error.code ?? 'unknown',
      severity: error.severity ?? 'ERROR',
      message: error.message,
      detail: error.detail,
      column: error.column,
      hint: error.hint,
    });
  }
  return error;
}

async function openAdapter(url: string, afterDispose?: () => Promise<void>): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  // pg-pool reports ended clients as removed before their sockets close; errors from those
  // (e.g. the shadow database being dropped) must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.connection.prependListener('rowDescription', relabelCharColumns);
  });
  const inner = await new PrismaPg(pool).connect();
  let disposed: Promise<void> | undefined;
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async queryRaw(query) {
      const result = await inner.queryRaw(query);
      result.columnNames.forEach((name, i) => {
        if (name.endsWith(CHAR_MARK)) {
          result.columnNames[i] = name.slice(0, -CHAR_MARK.length);
          result.columnTypes[i] = ColumnTypeEnum.Character;
        }
      });
      return result;
    },
    executeRaw: (query) => inner.executeRaw(query),
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    getConnectionInfo: () => inner.getConnectionInfo(),
    async executeScript(script) {
      try {
        await pool.query(script);
      } catch (error) {
        throw toAdapterError(error);
      }
    },
    dispose() {
      disposed ??= (async () => {
        await inner.dispose();
        await pool.end();
        await afterDispose?.();
      })();
      return disposed;
    },
  };
}

/** Adapter factory for one engine session; `close()` releases every pool and scratch database. */
class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly adapters = new Set<SqlDriverAdapter>();

  constructor(private readonly url: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await openAdapter(this.url));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `paddock_shadow_${randomUUID().replaceAll('-', '')}`;
    await withClient(this.url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
    const drop = () => withClient(this.url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).then(() => {});
    try {
      return this.track(await openAdapter(withDatabase(this.url, name), drop));
    } catch (error) {
      await drop().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.adapters].map((a) => a.dispose()));
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    this.adapters.add(adapter);
    return adapter;
  }
}

export class SchemaEngineError extends Error {
  override name = 'SchemaEngineError';
}

/**
 * The engine names adapter failures only by id ("External error id#3") and appends a Rust
 * span trace; turn that into one readable message with the database's own error in it.
 */
function explain(error: unknown, registry: ErrorRegistry): Error {
  if (!(error instanceof Error)) return new SchemaEngineError(String(error));
  const raw = error.message;
  if (raw.includes('unreachable') && lastPanic) return new SchemaEngineError(`schema engine panicked: ${lastPanic}`, { cause: error });
  const migration = /migration_name="([^"]+)"/.exec(raw)?.[1];
  const id = /External error id#(\d+)/.exec(raw)?.[1];
  const cause = id === undefined ? undefined : registry.consumeError(Number(id))?.error;
  const lines = raw
    .split('\n')
    .filter((line) => !/^\s+(\d+: |at |with )/.test(line))
    .filter((line) => !/^External error id#\d+$/.test(line) && line !== 'external connector error')
    .map((line) => line.trim())
    .filter(Boolean);
  if (cause !== undefined) lines.push(cause instanceof Error ? cause.message : String(cause));
  const message = (migration && !lines.some((l) => l.includes(migration)) ? `migration ${migration}: ` : '') + lines.join('\n');
  return new SchemaEngineError(message, { cause: error });
}

/**
 * Runs `fn` with a schema engine whose main connection is `databaseUrl` (shadow databases
 * are created on the same server). `schema`, when given, is the Prisma schema source.
 */
export async function withSchemaEngine<T>(databaseUrl: string, schema: string | undefined, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await loadWasm();
  const factory = new MigrationAdapterFactory(databaseUrl);
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  let engine: SchemaEngine | undefined;
  try {
    lastPanic = undefined;
    engine = await runtime.SchemaEngine.new({ datamodels: schema === undefined ? undefined : [['schema.prisma', schema]] }, () => {}, bound);
    return await fn(engine);
  } catch (error) {
    throw explain(error, bound.errorRegistry);
  } finally {
    engine?.free();
    await factory.close();
  }
}
