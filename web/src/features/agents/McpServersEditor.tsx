import { useState } from 'react';
import type { McpServerInput } from '../../gql/graphql.ts';
import { newHeaderRow, newServerRow, serverInput, type McpRow } from './mcpServers.ts';

/** What "Test connection" found: the tools the agent would get, or why it could not connect. */
export type McpTestResult = { ok: boolean; error?: string | null; tools: { name: string; description: string }[] };
export type McpTester = (input: McpServerInput) => Promise<McpTestResult>;

type Props = { rows: McpRow[]; onTest: McpTester; onChange: (rows: McpRow[]) => void };

/**
 * The agent's remote MCP servers. Header values (credentials) are write-only: stored ones
 * show their names only and are kept unless replaced; the egress proxy adds them to the
 * server's requests, so the sandbox never holds them.
 */
export function McpServersEditor({ rows, onTest, onChange }: Props) {
  const update = (key: string, change: (row: McpRow) => McpRow) => onChange(rows.map((r) => (r.key === key ? change(r) : r)));
  return (
    <div>
      {rows.length === 0 ? (
        <p className="muted small">
          No MCP servers. Add one to give the agent its tools, named <code>server__tool</code>.
        </p>
      ) : null}
      {rows.map((row, index) => (
        <McpServerRow
          key={row.key}
          row={row}
          index={index}
          onTest={onTest}
          update={(change) => update(row.key, change)}
          remove={() => onChange(rows.filter((r) => r.key !== row.key))}
        />
      ))}
      <button type="button" className="button button-small button-secondary" onClick={() => onChange([...rows, newServerRow()])}>
        + Add MCP server
      </button>
    </div>
  );
}

function McpServerRow({
  row,
  index,
  onTest,
  update,
  remove,
}: {
  row: McpRow;
  index: number;
  onTest: McpTester;
  update: (change: (row: McpRow) => McpRow) => void;
  remove: () => void;
}) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<McpTestResult | null>(null);
  const label = row.name || `server ${index + 1}`;

  const test = async () => {
    setResult(null);
    setTesting(true);
    try {
      setResult(await onTest(serverInput(row)));
    } finally {
      setTesting(false);
    }
  };
  const setHeader = (key: string, field: 'name' | 'value', value: string) =>
    update((r) => ({ ...r, headers: r.headers.map((h) => (h.key === key ? { ...h, [field]: value } : h)) }));

  return (
    <fieldset className="mcp-server" data-testid="mcp-server">
      <legend className="small">MCP server {index + 1}</legend>
      <div className="mcp-grid">
        <label className="field">
          Name
          <input
            className="mono"
            value={row.name}
            onChange={(e) => update((r) => ({ ...r, name: e.target.value.toLowerCase() }))}
            placeholder="github"
            spellCheck={false}
          />
        </label>
        <label className="field">
          URL
          <input
            className="mono"
            value={row.url}
            onChange={(e) => update((r) => ({ ...r, url: e.target.value }))}
            placeholder="https://mcp.example.com/mcp"
            spellCheck={false}
          />
        </label>
        <label className="field">
          Transport
          <select value={row.transport} onChange={(e) => update((r) => ({ ...r, transport: e.target.value as McpRow['transport'] }))}>
            <option value="STREAMABLE_HTTP">Streamable HTTP (falls back to SSE)</option>
            <option value="SSE">Legacy SSE</option>
          </select>
        </label>
        <label className="field">
          Allowed tools <span className="optional">optional</span>
          <input
            className="mono"
            value={row.allowedTools}
            onChange={(e) => update((r) => ({ ...r, allowedTools: e.target.value }))}
            placeholder="search_*, get_issue"
            spellCheck={false}
          />
        </label>
      </div>
      <div className="field">
        <span className="small">Headers (secret)</span>
        {!row.headersEdited ? (
          <p className="small">
            {row.storedHeaderNames.map((name) => (
              <code key={name}>{name}: •••••••• </code>
            ))}
            <button
              type="button"
              className="button button-small button-secondary"
              onClick={() => update((r) => ({ ...r, headersEdited: true, headers: r.storedHeaderNames.map((n) => newHeaderRow(n)) }))}
            >
              Replace headers
            </button>
          </p>
        ) : (
          <ul className="env-rows">
            {row.headers.map((header, i) => (
              <li key={header.key} className="env-row env-new">
                <input
                  className="mono"
                  aria-label={`${label} header ${i + 1} name`}
                  placeholder="Authorization"
                  value={header.name}
                  onChange={(e) => setHeader(header.key, 'name', e.target.value)}
                  spellCheck={false}
                />
                <input
                  type="password"
                  autoComplete="new-password"
                  aria-label={`${label} header ${i + 1} value`}
                  placeholder="Bearer …"
                  value={header.value}
                  onChange={(e) => setHeader(header.key, 'value', e.target.value)}
                />
                <div className="env-actions">
                  <button
                    type="button"
                    className="button button-small button-ghost-danger"
                    onClick={() => update((r) => ({ ...r, headers: r.headers.filter((h) => h.key !== header.key) }))}
                  >
                    Remove
                  </button>
                </div>
              </li>
            ))}
            <li>
              <button
                type="button"
                className="button button-small button-secondary"
                onClick={() => update((r) => ({ ...r, headers: [...r.headers, newHeaderRow()] }))}
              >
                + Add header
              </button>
            </li>
          </ul>
        )}
      </div>
      <div className="approval-actions">
        <button type="button" className="button button-small button-secondary" onClick={() => void test()} disabled={testing || row.url.trim() === ''}>
          {testing ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="button button-small button-ghost-danger" onClick={remove}>
          Remove server
        </button>
      </div>
      {result ? (
        <div role="status" className={result.ok ? 'small' : 'field-error'}>
          {result.ok ? `Connected: ${result.tools.length} tool${result.tools.length === 1 ? '' : 's'}.` : result.error}
          {result.tools.length > 0 ? (
            <ul className="mcp-tools">
              {result.tools.map((tool) => (
                <li key={tool.name}>
                  <code>
                    {row.name}__{tool.name}
                  </code>{' '}
                  {tool.description ? <span className="muted">— {tool.description}</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
