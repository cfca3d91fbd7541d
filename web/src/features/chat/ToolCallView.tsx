import { graphql } from '../../gql/index.ts';
import type { ToolCallFieldsFragment } from '../../gql/graphql.ts';

export const ToolCallFields = graphql(`
  fragment ToolCallFields on ToolCall {
    id
    name
    input
    output
    isError
  }
`);

/** A tool call as the view shows it: from `Message.calls`, or built from tool.call and tool.result events. */
export type ToolCall = Omit<ToolCallFieldsFragment, ' $fragmentName' | '__typename'>;

function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

/** A one-line hint of the call, e.g. `echo hello` for run_command. */
function preview(call: ToolCall): string {
  const input = call.input;
  if (typeof input === 'object' && input !== null) {
    const first = Object.values(input as Record<string, unknown>).find((v) => typeof v === 'string');
    if (typeof first === 'string') return first.length > 80 ? `${first.slice(0, 79)}…` : first;
  }
  return '';
}

/** A tool call, collapsed to one line; expands to show its input and output (focusable, so a keyboard can scroll long output). */
export function ToolCallView({ call, stopped }: { call: ToolCall; stopped?: boolean }) {
  const state = call.output === null ? (stopped ? 'stopped' : 'running') : call.isError ? 'error' : 'done';
  const label = { running: 'Running…', stopped: 'No result', error: 'Error', done: 'Done' }[state];
  return (
    <details className={`tool tool-${state}`} data-tool-call={call.id}>
      <summary>
        <svg className="tool-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
          <path d="M4 17l6-6-6-6M12 19h8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="tool-name mono">{call.name}</span>
        <span className="tool-preview mono">{preview(call)}</span>
        <span className={`tool-state tool-state-${state}`}>{label}</span>
      </summary>
      <div className="tool-body">
        <div className="tool-section">
          <span className="tool-label">Input</span>
          <pre tabIndex={0}>{pretty(call.input)}</pre>
        </div>
        <div className="tool-section">
          <span className="tool-label">{call.isError ? 'Error output' : 'Output'}</span>
          {call.output === null ? (
            <p className="muted small">{stopped ? 'The tool did not answer.' : 'Waiting for the tool…'}</p>
          ) : (
            <pre tabIndex={0}>{call.output || '(no output)'}</pre>
          )}
        </div>
      </div>
    </details>
  );
}
