import { randomBytes, randomUUID } from 'node:crypto';
import { clone, jsonPatch, mergePatch, PatchError, serverSideApply, type Json, type JsonObject } from './patch.ts';
import type { Validator } from './schemas.ts';
import { validateMetadata } from './schemas.ts';
import type { SelectorError } from './selectors.ts';
import { parseFieldSelector, parseLabelSelector, type KubeLike } from './selectors.ts';

export type Meta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  finalizers?: string[];
};
export type KObject = { apiVersion: string; kind: string; metadata: Meta } & Record<string, unknown>;

export type ResourceType = {
  group: string;
  version: string;
  kind: string;
  plural: string;
  listKind: string;
  namespaced: boolean;
  statusSubresource: boolean;
  nameRule: 'subdomain' | 'label' | 'dns1035';
  validate?: Validator;
  /** Field selectors the type supports; undefined means any path (built-in kinds here). */
  fieldSelectors?: ReadonlySet<string>;
};

export type StoreEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; rv: number; object: KObject; previous: KObject | undefined; resource: ResourceType };

/** A failure the server turns into a Status object. */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown>;
  constructor(code: number, reason: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

const HISTORY_LIMIT = 20_000;
const typeKey = (t: Pick<ResourceType, 'group' | 'plural'>) => `${t.group}/${t.plural}`;
const objectKey = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const qualified = (t: ResourceType) => (t.group ? `${t.plural}.${t.group}` : t.plural);
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export const notFound = (t: ResourceType, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(t)} "${name}" not found`, { name, group: t.group, kind: t.plural });

/** Everything but metadata and status: a change here is a new generation. */
function specOf(object: KObject): string {
  const { metadata: _m, status: _s, ...rest } = object;
  return JSON.stringify(rest);
}

/**
 * The fake API server's storage: typed collections with a single resourceVersion
 * sequence, generations, the status subresource split, optimistic concurrency,
 * owner-reference garbage collection and a bounded event history for watches.
 */
export class Store {
  readonly #types = new Map<string, ResourceType>();
  readonly #objects = new Map<string, Map<string, KObject>>();
  readonly #history = new Map<string, StoreEvent[]>();
  /** Watches from before this version get 410 Gone. */
  readonly #compactedAt = new Map<string, number>();
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #applied = new Map<string, Map<string, JsonObject>>();
  #rv = 1000;

  register(type: ResourceType): void {
    this.#types.set(typeKey(type), type);
    this.#objects.set(typeKey(type), new Map());
    this.#history.set(typeKey(type), []);
  }

  get types(): ResourceType[] {
    return [...this.#types.values()];
  }

  type(group: string, plural: string): ResourceType | undefined {
    return this.#types.get(`${group}/${plural}`);
  }

  typeOfKind(kind: string, group = ''): ResourceType {
    const found = [...this.#types.values()].find((t) => t.kind === kind && t.group === group);
    if (!found) throw new Error(`unknown kind ${group}/${kind}`);
    return found;
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `rv` for a type, or 410 Gone when they have been compacted away. */
  since(t: ResourceType, rv: number): StoreEvent[] {
    if (rv < (this.#compactedAt.get(typeKey(t)) ?? 0)) {
      throw new ApiError(410, 'Expired', `too old resource version: ${rv} (${this.#compactedAt.get(typeKey(t))})`);
    }
    return this.#history.get(typeKey(t))!.filter((e) => e.rv > rv);
  }

  /** Test hook: forget all history, as etcd compaction does. */
  compact(): void {
    for (const key of this.#history.keys()) {
      this.#history.set(key, []);
      this.#compactedAt.set(key, this.#rv);
    }
  }

  get(t: ResourceType, namespace: string | undefined, name: string): KObject {
    const found = this.#objects.get(typeKey(t))!.get(objectKey(t.namespaced ? namespace : undefined, name));
    if (!found) throw notFound(t, name);
    return clone(found);
  }

  find(t: ResourceType, namespace: string | undefined, name: string): KObject | undefined {
    const found = this.#objects.get(typeKey(t))!.get(objectKey(t.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  list(
    t: ResourceType,
    namespace: string | undefined,
    opts: { labelSelector?: string | null; fieldSelector?: string | null; limit?: number; continue?: string | null } = {},
  ): { items: KObject[]; resourceVersion: string; continue?: string } {
    let labels, fields;
    try {
      labels = parseLabelSelector(opts.labelSelector);
      fields = parseFieldSelector(opts.fieldSelector, t.fieldSelectors);
    } catch (error) {
      throw new ApiError(400, 'BadRequest', (error as SelectorError).message);
    }
    const after = opts.continue ? Buffer.from(opts.continue, 'base64url').toString('utf8') : '';
    const matching = [...this.#objects.get(typeKey(t))!.entries()]
      .filter(([key]) => key > after)
      .filter(([, o]) => (!namespace || o.metadata.namespace === namespace) && labels(o as KubeLike) && fields(o as KubeLike))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const page = opts.limit && opts.limit > 0 ? matching.slice(0, opts.limit) : matching;
    const more = page.length < matching.length;
    return {
      items: page.map(([, o]) => clone(o)),
      resourceVersion: String(this.#rv),
      ...(more ? { continue: Buffer.from(page.at(-1)![0]).toString('base64url') } : {}),
    };
  }

  /** Stored objects without copying, for in-process readers that never mutate them (the controller). */
  scan(t: ResourceType, namespace: string | undefined): readonly KObject[] {
    const all = [...this.#objects.get(typeKey(t))!.values()];
    return namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
  }

  create(t: ResourceType, namespace: string | undefined, body: KObject): KObject {
    const object = clone(body);
    object.metadata ??= {};
    if (t.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw new ApiError(400, 'BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace;
      if (!object.metadata.namespace) throw new ApiError(400, 'BadRequest', 'a namespace is required');
      this.#requireNamespace(object.metadata.namespace);
    } else delete object.metadata.namespace;
    if (!object.metadata.name && object.metadata.generateName) {
      const suffix = Array.from(randomBytes(5), (b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
      object.metadata.name = `${object.metadata.generateName}${suffix}`;
    }
    if (!object.metadata.name) throw new ApiError(422, 'Invalid', `${t.kind} "": name or generateName is required`);
    object.apiVersion = t.group ? `${t.group}/${t.version}` : t.version;
    object.kind = t.kind;
    const name = object.metadata.name;
    const collection = this.#objects.get(typeKey(t))!;
    if (collection.has(objectKey(object.metadata.namespace, name))) {
      throw new ApiError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, { name, group: t.group, kind: t.plural });
    }
    if (t.statusSubresource) delete object.status;
    object.metadata.uid = randomUUID();
    object.metadata.generation = 1;
    object.metadata.creationTimestamp = now();
    delete object.metadata.deletionTimestamp;
    delete object.metadata.resourceVersion;
    this.#prepare(t, object);
    return this.#commit(t, 'ADDED', object, undefined);
  }

  /** PUT: the whole object (or only its status, for the status subresource). */
  replace(t: ResourceType, namespace: string | undefined, name: string, body: KObject, opts: { subresource?: 'status' } = {}): KObject {
    const existing = this.get(t, namespace, name);
    const expected = body.metadata?.resourceVersion;
    if (expected && expected !== existing.metadata.resourceVersion) throw this.#conflict(t, name);
    return this.#write(t, existing, clone(body), opts.subresource);
  }

  patch(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: Json,
    opts: { subresource?: 'status'; fieldManager?: string } = {},
  ): KObject {
    const type = contentType.split(';')[0]!.trim();
    if (type === 'application/apply-patch+yaml') return this.#apply(t, namespace, name, body as JsonObject, opts.fieldManager);
    const existing = this.get(t, namespace, name);
    let patched: Json;
    try {
      if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
        // Strategic merge is treated as a plain merge: the custom resources here have no patch strategies.
        const expected = ((body as JsonObject)?.metadata as JsonObject | undefined)?.resourceVersion;
        if (expected && expected !== existing.metadata.resourceVersion) throw this.#conflict(t, name);
        patched = mergePatch(existing as unknown as Json, body);
      } else if (type === 'application/json-patch+json') {
        if (!Array.isArray(body)) throw new ApiError(400, 'BadRequest', 'a JSON patch must be an array of operations');
        patched = jsonPatch(existing as unknown as Json, body as { op: string; path: string; value?: Json }[]);
      } else {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
        );
      }
    } catch (error) {
      if (error instanceof PatchError) throw new ApiError(error.status, error.status === 409 ? 'Conflict' : 'Invalid', error.message);
      throw error;
    }
    return this.#write(t, existing, patched as unknown as KObject, opts.subresource);
  }

  delete(t: ResourceType, namespace: string | undefined, name: string): KObject {
    const existing = this.get(t, namespace, name);
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp) return existing;
      const marked = clone(existing);
      marked.metadata.deletionTimestamp = now();
      return this.#commit(t, 'MODIFIED', marked, existing);
    }
    this.#remove(t, existing);
    return existing;
  }

  #remove(t: ResourceType, existing: KObject): void {
    this.#objects.get(typeKey(t))!.delete(objectKey(existing.metadata.namespace, existing.metadata.name!));
    this.#applied.delete(existing.metadata.uid!);
    this.#rv++;
    const gone = clone(existing);
    gone.metadata.resourceVersion = String(this.#rv);
    this.#emit({ type: 'DELETED', rv: this.#rv, object: gone, previous: existing, resource: t });
    // The garbage collector works in the background, as in a cluster.
    setImmediate(() => this.#collect(existing));
  }

  /** Background deletion of dependents (ownerReferences) and of a namespace's contents. */
  #collect(owner: KObject): void {
    for (const t of this.#types.values()) {
      for (const object of [...this.#objects.get(typeKey(t))!.values()]) {
        const owned = (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
        const inNamespace = owner.kind === 'Namespace' && object.metadata.namespace === owner.metadata.name;
        if (!owned && !inNamespace) continue;
        try {
          this.delete(t, object.metadata.namespace, object.metadata.name!);
        } catch {
          // already gone
        }
      }
    }
  }

  #apply(t: ResourceType, namespace: string | undefined, name: string, applied: JsonObject, manager = 'unknown'): KObject {
    if (!manager) throw new ApiError(400, 'BadRequest', 'PATCH with apply requires a fieldManager');
    const meta = (applied.metadata ?? {}) as JsonObject;
    if (meta.name !== name) throw new ApiError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    const existing = this.find(t, namespace, name);
    let result: KObject;
    if (!existing) {
      result = this.create(t, namespace, applied as unknown as KObject);
    } else {
      const previous = this.#applied.get(existing.metadata.uid!)?.get(manager);
      result = this.#write(t, existing, serverSideApply(existing as unknown as JsonObject, applied, previous) as unknown as KObject, undefined);
    }
    const byManager = this.#applied.get(result.metadata.uid!) ?? new Map<string, JsonObject>();
    byManager.set(manager, clone(applied));
    this.#applied.set(result.metadata.uid!, byManager);
    return result;
  }

  #write(t: ResourceType, existing: KObject, incoming: KObject, subresource: 'status' | undefined): KObject {
    let next: KObject;
    if (subresource === 'status') {
      next = clone(existing);
      next.status = incoming.status;
      this.#prepare(t, next);
    } else {
      next = incoming;
      next.metadata ??= {};
      // Immutable and server-owned metadata always comes from storage.
      for (const key of ['name', 'namespace', 'uid', 'creationTimestamp', 'generation', 'deletionTimestamp'] as const) {
        if (existing.metadata[key] === undefined) delete next.metadata[key];
        else (next.metadata as Record<string, unknown>)[key] = existing.metadata[key];
      }
      next.apiVersion = existing.apiVersion;
      next.kind = existing.kind;
      if (t.statusSubresource) {
        if (existing.status === undefined) delete next.status;
        else next.status = existing.status;
      }
      this.#prepare(t, next);
      if (specOf(next) !== specOf(existing)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    }
    delete next.metadata.resourceVersion;
    if (JSON.stringify(next) === JSON.stringify({ ...existing, metadata: { ...existing.metadata, resourceVersion: undefined } })) return existing;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.#remove(t, existing);
      return next;
    }
    return this.#commit(t, 'MODIFIED', next, existing);
  }

  /** Defaults, normalisation and validation shared by create and update. */
  #prepare(t: ResourceType, object: KObject): void {
    if (t.kind === 'Secret' && object.stringData && typeof object.stringData === 'object') {
      const data = { ...((object.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(object.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
      object.data = data;
      delete object.stringData;
    }
    const errors = validateMetadata(object.metadata, t.nameRule);
    if (t.validate) errors.push(...t.validate(object as Record<string, unknown>));
    if (errors.length > 0) {
      throw new ApiError(422, 'Invalid', `${t.kind} "${object.metadata.name ?? ''}" is invalid: ${errors.join('; ')}`, {
        name: object.metadata.name,
        group: t.group,
        kind: t.kind,
        causes: errors.map((message) => ({ message })),
      });
    }
  }

  #commit(t: ResourceType, type: 'ADDED' | 'MODIFIED', object: KObject, previous: KObject | undefined): KObject {
    this.#rv++;
    object.metadata.resourceVersion = String(this.#rv);
    this.#objects.get(typeKey(t))!.set(objectKey(object.metadata.namespace, object.metadata.name!), object);
    this.#emit({ type, rv: this.#rv, object: clone(object), previous, resource: t });
    return clone(object);
  }

  #emit(event: StoreEvent): void {
    const history = this.#history.get(typeKey(event.resource))!;
    history.push(event);
    if (history.length > HISTORY_LIMIT) {
      const dropped = history.splice(0, history.length - HISTORY_LIMIT);
      this.#compactedAt.set(typeKey(event.resource), dropped.at(-1)!.rv);
    }
    for (const listener of this.#listeners) listener(event);
  }

  #conflict(t: ResourceType, name: string): ApiError {
    return new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      {
        name,
        group: t.group,
        kind: t.plural,
      },
    );
  }

  #requireNamespace(namespace: string): void {
    const namespaces = this.#objects.get('/namespaces');
    if (namespaces && !namespaces.has(objectKey(undefined, namespace))) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    }
  }
}
