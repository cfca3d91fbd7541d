import {
  ApiException,
  createConfiguration,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  Watch,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { keepAliveAgents } from './pooling.ts';
import type { KubeObject } from '../types.ts';
import { apiVersionOf, collectionPath, isCustom, type Resource } from './resources.ts';
import { FIELD_MANAGER } from '../names.ts';

/** A failed API call, keeping the Status `code` and `reason` callers branch on. */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeError';
    this.status = status;
    this.reason = reason;
  }
}

export const isStatus = (error: unknown, status: number) => error instanceof KubeError && error.status === status;

export type ListOptions = { labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string };
export type ObjectList<T> = { items: T[]; resourceVersion: string; continue: string | undefined };

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; code: number; reason: string; message: string };

type StatusBody = { code?: number; reason?: string; message?: string };
type RawList = { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
type RawWatchObject = { kind?: string; metadata?: { resourceVersion?: string } } & StatusBody;

function toKubeError(error: unknown, what: string): unknown {
  if (!(error instanceof ApiException)) return error;
  const raw: unknown = error.body;
  let body: StatusBody = {};
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw) as StatusBody;
    } catch {
      body = { message: raw };
    }
  } else if (raw && typeof raw === 'object') {
    body = raw as StatusBody;
  }
  return new KubeError(error.code, body.reason ?? 'Unknown', `${what}: ${body.message ?? `HTTP ${error.code}`}`);
}

/** Dates from the typed deserializer become RFC 3339 strings again, like every other field. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * A narrow, typed wrapper over `@kubernetes/client-node`: only the verbs and resources
 * Paddock uses, errors as KubeError, results as plain JSON. Custom resources go through
 * CustomObjectsApi (raw JSON both ways), built-in kinds through KubernetesObjectApi.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly #objects: KubernetesObjectApi;
  readonly #custom: CustomObjectsApi;
  readonly #watch: Watch;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [keepAliveAgents()],
    });
    this.#objects = new KubernetesObjectApi(configuration);
    this.#custom = new CustomObjectsApi(configuration);
    this.#watch = new Watch(kubeConfig);
  }

  /** The object, or null when it does not exist. */
  async get<T extends KubeObject>(r: Resource<T>, namespace: string | undefined, name: string): Promise<T | null> {
    try {
      if (isCustom(r)) {
        return (await this.#custom.getNamespacedCustomObject({ group: r.group, version: r.version, namespace: namespace ?? '', plural: r.plural, name })) as T;
      }
      const header = { apiVersion: apiVersionOf(r), kind: r.kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
      return plain<T>(await this.#objects.read(header));
    } catch (error) {
      const mapped = toKubeError(error, `get ${r.kind} ${namespace ?? ''}/${name}`);
      if (isStatus(mapped, 404)) return null;
      throw mapped;
    }
  }

  /** One page; `namespace` undefined lists across all namespaces. */
  async list<T extends KubeObject>(r: Resource<T>, namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList<T>> {
    try {
      let raw: RawList;
      if (isCustom(r)) {
        const common = {
          group: r.group,
          version: r.version,
          plural: r.plural,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit,
          _continue: opts.continue,
        };
        raw = (
          namespace ? await this.#custom.listNamespacedCustomObject({ ...common, namespace }) : await this.#custom.listCustomObjectForAllNamespaces(common)
        ) as RawList;
      } else {
        raw = plain<RawList>(
          await this.#objects.list(
            apiVersionOf(r),
            r.kind,
            namespace,
            undefined,
            undefined,
            undefined,
            opts.fieldSelector,
            opts.labelSelector,
            opts.limit,
            opts.continue,
          ),
        );
      }
      return { items: (raw.items ?? []) as T[], resourceVersion: raw.metadata?.resourceVersion ?? '', continue: raw.metadata?.continue || undefined };
    } catch (error) {
      throw toKubeError(error, `list ${r.plural} in ${namespace ?? 'all namespaces'}`);
    }
  }

  /** Every page of a list, 500 objects at a time. */
  async listAll<T extends KubeObject>(
    r: Resource<T>,
    namespace: string | undefined,
    opts: Omit<ListOptions, 'limit' | 'continue'> = {},
  ): Promise<ObjectList<T>> {
    const items: T[] = [];
    let page: ObjectList<T> | undefined;
    do {
      page = await this.list(r, namespace, { ...opts, limit: 500, continue: page?.continue });
      items.push(...page.items);
    } while (page.continue);
    return { items, resourceVersion: page.resourceVersion, continue: undefined };
  }

  async create<T extends KubeObject>(r: Resource<T>, object: T): Promise<T> {
    const namespace = object.metadata.namespace;
    try {
      if (isCustom(r)) {
        return (await this.#custom.createNamespacedCustomObject({
          group: r.group,
          version: r.version,
          namespace: namespace ?? '',
          plural: r.plural,
          body: object,
          fieldManager: FIELD_MANAGER,
        })) as T;
      }
      return plain<T>(await this.#objects.create(object as KubernetesObject, undefined, undefined, FIELD_MANAGER));
    } catch (error) {
      throw toKubeError(error, `create ${r.kind} ${namespace ?? ''}/${object.metadata.name ?? object.metadata.generateName ?? ''}`);
    }
  }

  /** Server-side apply as Paddock's field manager: creates or converges to exactly `object`. */
  async apply<T extends KubeObject>(r: Resource<T>, object: T): Promise<T> {
    const { name = '', namespace } = object.metadata;
    try {
      if (isCustom(r)) {
        return (await this.#custom.patchNamespacedCustomObject(
          { group: r.group, version: r.version, namespace: namespace ?? '', plural: r.plural, name, body: object, fieldManager: FIELD_MANAGER, force: true },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        )) as T;
      }
      return plain<T>(await this.#objects.patch(object as KubernetesObject, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply));
    } catch (error) {
      throw toKubeError(error, `apply ${r.kind} ${namespace ?? ''}/${name}`);
    }
  }

  /** JSON merge patch (RFC 7386); `null` removes a field. */
  async mergePatch<T extends KubeObject>(r: Resource<T>, namespace: string, name: string, patch: Record<string, unknown>): Promise<T> {
    try {
      if (isCustom(r)) {
        return (await this.#custom.patchNamespacedCustomObject(
          { group: r.group, version: r.version, namespace, plural: r.plural, name, body: patch, fieldManager: FIELD_MANAGER },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )) as T;
      }
      const object = { ...patch, apiVersion: apiVersionOf(r), kind: r.kind, metadata: { ...(patch.metadata as object | undefined), name, namespace } };
      return plain<T>(await this.#objects.patch(object, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
    } catch (error) {
      throw toKubeError(error, `patch ${r.kind} ${namespace}/${name}`);
    }
  }

  /** Deletes with background propagation (the garbage collector removes dependents); false if already gone. */
  async delete<T extends KubeObject>(r: Resource<T>, namespace: string, name: string): Promise<boolean> {
    try {
      if (isCustom(r)) {
        await this.#custom.deleteNamespacedCustomObject({
          group: r.group,
          version: r.version,
          namespace,
          plural: r.plural,
          name,
          propagationPolicy: 'Background',
        });
      } else {
        await this.#objects.delete(
          { apiVersion: apiVersionOf(r), kind: r.kind, metadata: { name, namespace } },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        );
      }
      return true;
    } catch (error) {
      const mapped = toKubeError(error, `delete ${r.kind} ${namespace}/${name}`);
      if (isStatus(mapped, 404)) return false;
      throw mapped;
    }
  }

  /**
   * Streams changes after `resourceVersion`. `onClose` fires once, with the error if the
   * stream failed; the returned function stops it. Callers relist and rewatch.
   */
  async watch<T extends KubeObject>(
    r: Resource<T>,
    namespace: string | undefined,
    opts: { resourceVersion: string; labelSelector?: string; fieldSelector?: string; timeoutSeconds?: number },
    onEvent: (event: WatchEvent<T>) => void,
    onClose: (error: unknown) => void,
  ): Promise<() => void> {
    const query: Record<string, string | number | boolean> = { resourceVersion: opts.resourceVersion, allowWatchBookmarks: true };
    if (opts.labelSelector) query.labelSelector = opts.labelSelector;
    if (opts.fieldSelector) query.fieldSelector = opts.fieldSelector;
    if (opts.timeoutSeconds) query.timeoutSeconds = opts.timeoutSeconds;
    const controller = await this.#watch.watch(
      collectionPath(r, namespace),
      query,
      (type: string, object: unknown) => {
        const raw = object as RawWatchObject;
        if (type === 'ERROR') onEvent({ type: 'ERROR', code: raw.code ?? 500, reason: raw.reason ?? 'Unknown', message: raw.message ?? 'watch error' });
        else if (type === 'BOOKMARK') onEvent({ type: 'BOOKMARK', resourceVersion: raw.metadata?.resourceVersion ?? '' });
        else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent({ type, object: object as T });
      },
      (error: unknown) => onClose(error ?? null),
    );
    return () => controller.abort();
  }
}
