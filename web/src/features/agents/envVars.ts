/** One row of the env var editor. Existing variables are known by name only. */
export type EnvRow =
  | { key: string; kind: 'existing'; name: string; action: 'keep' | 'replace' | 'remove'; value: string }
  | { key: string; kind: 'new'; name: string; value: string };

export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

let counter = 0;
export const rowKey = () => `env-${++counter}`;

export function rowsFromNames(names: readonly string[]): EnvRow[] {
  return names.map((name) => ({ key: rowKey(), kind: 'existing', name, action: 'keep', value: '' }));
}

export function newRow(): EnvRow {
  return { key: rowKey(), kind: 'new', name: '', value: '' };
}

/**
 * What to send: `env` sets or replaces variables, `removeEnv` deletes them. Kept
 * variables are not sent at all, so their secret values never leave the server.
 * Empty new rows are ignored.
 */
export function envChanges(rows: readonly EnvRow[]): { env: { name: string; value: string }[]; removeEnv: string[] } {
  const env: { name: string; value: string }[] = [];
  const removeEnv: string[] = [];
  for (const row of rows) {
    if (row.kind === 'new') {
      if (row.name.trim() === '' && row.value === '') continue;
      env.push({ name: row.name.trim(), value: row.value });
    } else if (row.action === 'replace') {
      env.push({ name: row.name, value: row.value });
    } else if (row.action === 'remove') {
      removeEnv.push(row.name);
    }
  }
  return { env, removeEnv };
}

/** A problem with the rows a person can fix before submitting, or null. */
export function envProblem(rows: readonly EnvRow[]): string | null {
  const names = new Set<string>();
  for (const row of rows) {
    if (row.kind === 'existing') {
      if (row.action !== 'remove') names.add(row.name);
      continue;
    }
    const name = row.name.trim();
    if (name === '' && row.value === '') continue;
    if (name === '') return 'Give every new variable a name, or remove the row.';
    if (!ENV_NAME.test(name)) return `${name}: names use uppercase letters, digits and underscores, and do not start with a digit.`;
    if (names.has(name)) return `${name} is listed twice. To change an existing variable, use its “Replace” action.`;
    names.add(name);
  }
  return null;
}
