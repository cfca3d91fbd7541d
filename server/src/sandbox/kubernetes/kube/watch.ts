import type { Logger } from '../../../log/index.ts';
import type { KubeObject } from '../types.ts';
import type { KubeClient } from './client.ts';
import type { Resource } from './resources.ts';

const MAX_BACKOFF_MS = 2_000;

/**
 * Keeps an up-to-date view of the objects matching a selector: list, then watch from
 * the list's resourceVersion. A watch that ends cleanly (server timeout) resumes from
 * the last version seen; one that fails (410 Gone, a dropped connection, an ERROR
 * event) is followed by a fresh list, with a capped backoff, until `stop()`.
 */
export class ObjectsWatch<T extends KubeObject> {
  readonly #client: KubeClient;
  readonly #resource: Resource<T>;
  readonly #namespace: string;
  readonly #selector: { fieldSelector?: string; labelSelector?: string };
  readonly #onChange: () => void;
  readonly #log: Logger;
  readonly #objects = new Map<string, T>();
  #synced = false;
  #stopped = false;
  #abort: (() => void) | null = null;
  /** How many times the view was rebuilt from a list; a relist after each failure. */
  lists = 0;

  constructor(opts: {
    client: KubeClient;
    resource: Resource<T>;
    namespace: string;
    selector: { fieldSelector?: string; labelSelector?: string };
    onChange: () => void;
    log: Logger;
  }) {
    this.#client = opts.client;
    this.#resource = opts.resource;
    this.#namespace = opts.namespace;
    this.#selector = opts.selector;
    this.#onChange = opts.onChange;
    this.#log = opts.log;
    void this.#run();
  }

  /** False until the first list has returned. */
  get synced(): boolean {
    return this.#synced;
  }

  get objects(): T[] {
    return [...this.#objects.values()];
  }

  get(name: string): T | undefined {
    return this.#objects.get(name);
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.();
    this.#abort = null;
  }

  async #run(): Promise<void> {
    let backoff = 50;
    let resourceVersion: string | null = null;
    while (!this.#stopped) {
      try {
        if (resourceVersion === null) resourceVersion = await this.#relist();
        const outcome = await this.#watchFrom(resourceVersion, (rv) => (resourceVersion = rv));
        if (outcome === 'failed') {
          resourceVersion = null;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        } else {
          backoff = 50;
        }
      } catch (error) {
        if (this.#stopped) return;
        this.#log.debug({ err: error, resource: this.#resource.plural }, 'list failed; retrying');
        resourceVersion = null;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  async #relist(): Promise<string> {
    const list = await this.#client.list(this.#resource, this.#namespace, this.#selector);
    this.lists++;
    if (this.#stopped) return list.resourceVersion;
    this.#objects.clear();
    for (const item of list.items) if (item.metadata.name) this.#objects.set(item.metadata.name, item);
    this.#synced = true;
    this.#onChange();
    return list.resourceVersion;
  }

  #watchFrom(resourceVersion: string, seen: (rv: string) => void): Promise<'closed' | 'failed'> {
    return new Promise((resolve) => {
      let failed = false;
      const finish = () => resolve(failed ? 'failed' : 'closed');
      this.#client
        .watch(
          this.#resource,
          this.#namespace,
          { resourceVersion, ...this.#selector, timeoutSeconds: 300 },
          (event) => {
            if (this.#stopped) return;
            if (event.type === 'ERROR') {
              // 410 Gone: our version left the server's window; anything else is just as fatal to this stream.
              this.#log.debug({ code: event.code, reason: event.reason, resource: this.#resource.plural }, 'watch error; relisting');
              failed = true;
              this.#abort?.();
              return;
            }
            if (event.type === 'BOOKMARK') {
              seen(event.resourceVersion);
              return;
            }
            const name = event.object.metadata.name;
            if (!name) return;
            if (event.type === 'DELETED') this.#objects.delete(name);
            else this.#objects.set(name, event.object);
            if (event.object.metadata.resourceVersion) seen(event.object.metadata.resourceVersion);
            this.#onChange();
          },
          (error) => {
            if (error) failed = true;
            finish();
          },
        )
        .then(
          (abort) => {
            this.#abort = abort;
            if (this.#stopped) abort();
          },
          () => {
            failed = true;
            finish();
          },
        );
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
