import type { ToolAction } from '../../gql/graphql.ts';
import { editorKey, type PolicyRow } from './mcpServers.ts';

type Props = { rows: PolicyRow[]; onChange: (rows: PolicyRow[]) => void };

/** Tool approval rules in order: the first that matches a call decides; no match allows it. */
export function ToolPolicyEditor({ rows, onChange }: Props) {
  const update = (key: string, change: Partial<PolicyRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const move = (index: number, by: number) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + by, 0, row);
    onChange(next);
  };
  return (
    <div>
      {rows.length === 0 ? <p className="muted small">No rules: every tool call runs without asking.</p> : null}
      {rows.map((row, index) => (
        <div key={row.key} className="policy-row" data-testid="policy-rule">
          <label className="field">
            Tool
            <input
              className="mono"
              value={row.tool}
              onChange={(e) => update(row.key, { tool: e.target.value })}
              placeholder="run_command or github__*"
              spellCheck={false}
            />
          </label>
          <label className="field">
            Command <span className="optional">optional</span>
            <input
              className="mono"
              value={row.commandPattern}
              onChange={(e) => update(row.key, { commandPattern: e.target.value })}
              placeholder="git push*"
              spellCheck={false}
            />
          </label>
          <label className="field">
            Action
            <select value={row.action} onChange={(e) => update(row.key, { action: e.target.value as ToolAction })}>
              <option value="ASK">Ask a person</option>
              <option value="DENY">Deny</option>
              <option value="ALLOW">Allow</option>
            </select>
          </label>
          <div className="env-actions">
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => move(index, -1)}
              disabled={index === 0}
              aria-label={`Move rule ${index + 1} up`}
            >
              ↑
            </button>
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => move(index, 1)}
              disabled={index === rows.length - 1}
              aria-label={`Move rule ${index + 1} down`}
            >
              ↓
            </button>
            <button
              type="button"
              className="button button-small button-ghost-danger"
              onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
              aria-label={`Remove rule ${index + 1}`}
            >
              Remove
            </button>
          </div>
        </div>
      ))}
      <button
        type="button"
        className="button button-small button-secondary"
        onClick={() => onChange([...rows, { key: editorKey('rule'), tool: '', commandPattern: '', action: 'ASK' as ToolAction }])}
      >
        + Add rule
      </button>
    </div>
  );
}
