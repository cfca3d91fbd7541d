/** The patch flavours the API server accepts, applied to plain JSON. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class PatchError extends Error {
  readonly status: number;
  constructor(message: string, status = 422) {
    super(message);
    this.status = status;
  }
}

export const clone = <T>(value: T): T => structuredClone(value);
const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

function unescape(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescape);
}

function parentOf(doc: Json, tokens: string[]): { parent: Json; key: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)] ?? null;
    else if (isObject(current)) current = current[token] ?? null;
    else throw new PatchError(`path not found at "${token}"`);
    if (current === null) throw new PatchError(`path not found at "${token}"`);
  }
  return { parent: current, key: tokens.at(-1) ?? '' };
}

function read(doc: Json, path: string): Json | undefined {
  let current: Json | undefined = doc;
  for (const token of pointer(path)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else return undefined;
  }
  return current;
}

type Operation = { op: string; path: string; value?: Json; from?: string };

/** RFC 6902 JSON patch: add, remove, replace, move, copy, test. */
export function jsonPatch(target: Json, operations: Operation[]): Json {
  let doc = clone(target);
  for (const op of operations) {
    const tokens = pointer(op.path);
    if (op.op === 'test') {
      if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) throw new PatchError(`test operation failed at ${op.path}`, 409);
      continue;
    }
    const value = op.op === 'move' || op.op === 'copy' ? read(doc, op.from ?? '') : op.value;
    if ((op.op === 'move' || op.op === 'copy') && value === undefined) throw new PatchError(`"from" path not found: ${op.from}`);
    if (op.op === 'move') doc = jsonPatch(doc, [{ op: 'remove', path: op.from ?? '' }]);
    if (tokens.length === 0) {
      if (op.op === 'remove') throw new PatchError('cannot remove the whole document');
      doc = clone(value ?? null);
      continue;
    }
    const { parent, key } = parentOf(doc, tokens);
    if (Array.isArray(parent)) {
      const index = key === '-' ? parent.length : Number(key);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new PatchError(`index out of range at ${op.path}`);
      if (op.op === 'remove') parent.splice(index, 1);
      else if (op.op === 'replace') parent[index] = clone(value ?? null);
      else parent.splice(index, 0, clone(value ?? null));
    } else if (isObject(parent)) {
      if ((op.op === 'remove' || op.op === 'replace') && !(key in parent)) throw new PatchError(`path not found: ${op.path}`);
      if (op.op === 'remove') delete parent[key];
      else parent[key] = clone(value ?? null);
    } else throw new PatchError(`cannot apply ${op.op} at ${op.path}`);
  }
  return doc;
}

/** Every leaf path in a document, lists treated as atomic values. */
function leafPaths(value: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leafPaths(child, [...prefix, key], out);
  } else out.push(prefix);
  return out;
}

function has(value: Json, path: string[]): boolean {
  let current: Json = value;
  for (const key of path) {
    if (!isObject(current) || !(key in current)) return false;
    current = current[key]!;
  }
  return true;
}

function removePath(value: JsonObject, path: string[]): void {
  const parents: JsonObject[] = [];
  let current: JsonObject = value;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (!isObject(next)) return;
    parents.push(current);
    current = next;
  }
  delete current[path.at(-1)!];
  // Drop maps the removal emptied, as a field manager releasing them would.
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = parents[i]!;
    const child = parent[path[i]!];
    if (isObject(child) && Object.keys(child).length === 0) delete parent[path[i]!];
    else break;
  }
}

/** Maps merge recursively; lists and scalars from `applied` replace. */
function deepMerge(target: JsonObject, applied: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(applied)) {
    const current = target[key];
    target[key] = isObject(value) && isObject(current) ? deepMerge(current, value) : clone(value);
  }
  return target;
}

/**
 * Server-side apply for one field manager, simplified: fields this manager applied
 * last time and omits now are removed, then the applied configuration is merged in.
 * Lists are atomic and conflicts with other managers are forced, which is what
 * Paddock asks for (`force=true`) on objects only it writes.
 */
export function serverSideApply(existing: JsonObject, applied: JsonObject, previous: JsonObject | undefined): JsonObject {
  const result = clone(existing);
  if (previous) {
    for (const path of leafPaths(previous)) {
      if (path[0] === 'metadata' && ['name', 'namespace'].includes(path[1] ?? '')) continue;
      if (!has(applied, path)) removePath(result, path);
    }
  }
  return deepMerge(result, applied);
}
