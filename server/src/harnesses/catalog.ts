import type { Db, Prisma } from '../db/index.ts';
import { badInput } from '../errors/index.ts';
import type { LoadedHarness } from './loader.ts';

/** The harness definitions loaded at startup, read-only for the rest of the process. */
export class HarnessCatalog {
  readonly #byName: Map<string, LoadedHarness>;

  constructor(definitions: LoadedHarness[]) {
    this.#byName = new Map(definitions.map((d) => [d.name, d]));
  }

  list(): LoadedHarness[] {
    return [...this.#byName.values()];
  }

  get(name: string): LoadedHarness | undefined {
    return this.#byName.get(name);
  }

  require(name: string): LoadedHarness {
    const harness = this.#byName.get(name);
    if (!harness) {
      throw badInput(`Harness "${name}" does not exist; choose one of: ${[...this.#byName.keys()].join(', ')}.`, 'harness');
    }
    return harness;
  }

  /** Mirrors the files into the Harness table so agents can reference them by key. */
  async sync(db: Db): Promise<void> {
    for (const definition of this.#byName.values()) {
      const { file: _file, ...rest } = definition;
      const json = rest as unknown as Prisma.InputJsonValue;
      await db.harness.upsert({
        where: { name: definition.name },
        create: { name: definition.name, definition: json },
        update: { definition: json },
      });
    }
  }
}
