import { newRow, type EnvRow } from './envVars.ts';

type Props = { rows: EnvRow[]; onChange: (rows: EnvRow[]) => void };

/**
 * Environment variables of an agent. Values are write-only: existing variables show
 * their name with "Replace" and "Remove" actions, never their value.
 */
export function EnvVarsEditor({ rows, onChange }: Props) {
  const update = (key: string, change: (row: EnvRow) => EnvRow) => onChange(rows.map((r) => (r.key === key ? change(r) : r)));
  const remove = (key: string) => onChange(rows.filter((r) => r.key !== key));

  return (
    <div className="env-editor">
      {rows.length === 0 ? <p className="muted small">No variables. Values are encrypted at rest and never shown again.</p> : null}
      <ul className="env-rows">
        {rows.map((row, index) =>
          row.kind === 'existing' ? (
            <li key={row.key} className={`env-row env-existing${row.action === 'remove' ? ' env-removed' : ''}`}>
              <span className="env-name mono" id={`${row.key}-name`}>
                {row.name}
              </span>
              {row.action === 'replace' ? (
                <input
                  type="password"
                  autoComplete="new-password"
                  aria-label={`New value for ${row.name}`}
                  placeholder="New value"
                  value={row.value}
                  onChange={(e) => update(row.key, (r) => ({ ...r, value: e.target.value }))}
                  autoFocus
                />
              ) : (
                <span className="env-value muted">{row.action === 'remove' ? 'Will be removed' : '•••••••• (hidden)'}</span>
              )}
              <div className="env-actions">
                {row.action === 'keep' ? (
                  <>
                    <button
                      type="button"
                      className="button button-small button-secondary"
                      onClick={() => update(row.key, (r) => ({ ...r, action: 'replace', value: '' }))}
                      aria-label={`Replace ${row.name}`}
                    >
                      Replace
                    </button>
                    <button
                      type="button"
                      className="button button-small button-ghost-danger"
                      onClick={() => update(row.key, (r) => ({ ...r, action: 'remove', value: '' }))}
                      aria-label={`Remove ${row.name}`}
                    >
                      Remove
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button-small button-secondary"
                    onClick={() => update(row.key, (r) => ({ ...r, action: 'keep', value: '' }))}
                    aria-label={`Keep ${row.name}`}
                  >
                    {row.action === 'remove' ? 'Undo' : 'Cancel'}
                  </button>
                )}
              </div>
            </li>
          ) : (
            <li key={row.key} className="env-row env-new">
              <input
                className="mono"
                aria-label={`Variable ${index + 1} name`}
                placeholder="NAME"
                value={row.name}
                spellCheck={false}
                autoCapitalize="characters"
                onChange={(e) => update(row.key, (r) => ({ ...r, name: e.target.value.toUpperCase().replace(/[^A-Z0-9_]/g, '_') }))}
              />
              <input
                type="password"
                autoComplete="new-password"
                aria-label={`Variable ${index + 1} value`}
                placeholder="Value"
                value={row.value}
                onChange={(e) => update(row.key, (r) => ({ ...r, value: e.target.value }))}
              />
              <div className="env-actions">
                <button
                  type="button"
                  className="button button-small button-ghost-danger"
                  onClick={() => remove(row.key)}
                  aria-label={`Remove variable ${index + 1}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
      <button type="button" className="button button-small button-secondary" onClick={() => onChange([...rows, newRow()])}>
        + Add variable
      </button>
    </div>
  );
}
