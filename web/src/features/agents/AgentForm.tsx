import { useEffect, useEffectEvent, useId, useRef, useState, type FormEvent } from 'react';
import type { HarnessesQuery, McpServerInput, McpTransport, ToolAction, ToolRuleInput } from '../../gql/graphql.ts';
import type { Problem } from '../../lib/graphql/errors.ts';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { EnvVarsEditor } from './EnvVarsEditor.tsx';
import { HarnessPicker } from './HarnessPicker.tsx';
import { envChanges, envProblem, rowsFromNames, type EnvRow } from './envVars.ts';
import { McpServersEditor, type McpTester } from './McpServersEditor.tsx';
import { mcpProblem, policyInput, rowsFromPolicy, rowsFromServers, serverInput, type McpRow, type PolicyRow } from './mcpServers.ts';
import { ToolPolicyEditor } from './ToolPolicyEditor.tsx';

type Harness = HarnessesQuery['harnesses'][number];

export type AgentFormInitial = {
  name: string;
  description: string;
  harnessName: string;
  model: string;
  systemPrompt: string;
  envVarNames: string[];
  egressAllow: string[];
  mcpServers: { name: string; url: string; transport: McpTransport; headerNames: string[]; allowedTools: string[] }[];
  toolPolicy: { tool: string; commandPattern?: string | null; action: ToolAction }[];
};

export type AgentFormValues = {
  name: string;
  description: string;
  harness: string;
  model: string;
  systemPrompt: string;
  env: { name: string; value: string }[];
  removeEnv: string[];
  egressAllow: string[];
  mcpServers: McpServerInput[];
  toolPolicy: ToolRuleInput[];
};

type Props = {
  harnesses: Harness[];
  /** "Test connection" of an MCP server. */
  onTestMcpServer: McpTester;
  initial?: AgentFormInitial;
  submitLabel: string;
  busy: boolean;
  problem: Problem | null;
  onSubmit: (values: AgentFormValues) => void;
  onCancel: () => void;
};

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Splits the allow-list text area into entries: one per line (commas work too). */
export function parseEgress(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function AgentForm({ harnesses, onTestMcpServer, initial, submitLabel, busy, problem, onSubmit, onCancel }: Props) {
  const firstHarness = harnesses[0];
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [harness, setHarness] = useState(initial?.harnessName ?? firstHarness?.name ?? '');
  const [model, setModel] = useState(initial?.model ?? firstHarness?.defaultModel ?? '');
  const [systemPrompt, setSystemPrompt] = useState(initial?.systemPrompt ?? '');
  const [rows, setRows] = useState<EnvRow[]>(() => rowsFromNames(initial?.envVarNames ?? []));
  const [egress, setEgress] = useState((initial?.egressAllow ?? []).join('\n'));
  const [servers, setServers] = useState<McpRow[]>(() => rowsFromServers(initial?.mcpServers ?? []));
  const [policy, setPolicy] = useState<PolicyRow[]>(() => rowsFromPolicy(initial?.toolPolicy ?? []));
  // Local checks run live once a submit found a problem, so fixing a field clears its error.
  const [checking, setChecking] = useState(false);
  // An API error stays until the field it blames is edited.
  const [dismissed, setDismissed] = useState<Problem | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const ids = { name: useId(), description: useId(), model: useId(), prompt: useId(), egress: useId() };

  const selected = harnesses.find((h) => h.name === harness);
  const chooseHarness = (next: string) => {
    const previousDefault = harnesses.find((h) => h.name === harness)?.defaultModel;
    const nextDefault = harnesses.find((h) => h.name === next)?.defaultModel ?? '';
    // Follow the harness's default model unless the person typed their own.
    if (model.trim() === '' || model === previousDefault) setModel(nextDefault);
    setHarness(next);
    edited('harness');
  };

  const validate = (): { field: string; message: string } | null => {
    if (!NAME_PATTERN.test(name) || name.length > 63) {
      return { field: 'name', message: 'Use lowercase letters, digits and "-" (at most 63), starting and ending with a letter or digit.' };
    }
    if (!harness) return { field: 'harness', message: 'Pick a harness.' };
    const envIssue = envProblem(rows);
    if (envIssue) return { field: 'env', message: envIssue };
    const mcpIssue = mcpProblem(servers);
    if (mcpIssue) return { field: 'mcpServers', message: mcpIssue };
    return null;
  };
  const localProblem = checking ? validate() : null;
  const apiProblem = problem !== dismissed ? problem : null;
  const apiField = apiProblem?.field?.split('.')[0] ?? null;

  function edited(field: string) {
    if (apiField === field || (field === 'env' && apiField === 'removeEnv')) setDismissed(problem);
  }

  /** Moves focus to the control of a field the form or the API found invalid. */
  const focusField = (field: string) => {
    const form = formRef.current;
    if (!form) return;
    const byField: Record<string, string> = { name: ids.name, model: ids.model, systemPrompt: ids.prompt, egressAllow: ids.egress };
    const id = byField[field];
    const target = id
      ? document.getElementById(id)
      : field === 'harness'
        ? form.querySelector<HTMLElement>('input[type="radio"]:checked, input[type="radio"]')
        : form.querySelector<HTMLElement>('[data-field="env"] input:not([disabled]), [data-field="env"] button');
    target?.focus();
  };

  // A new API error that names a field puts the cursor in that field.
  const problemField = problem?.field?.split('.')[0] ?? null;
  const focusProblemField = useEffectEvent((field: string) => focusField(field === 'removeEnv' ? 'env' : field));
  useEffect(() => {
    if (problemField) focusProblemField(problemField);
  }, [problem, problemField]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate();
    if (found) {
      setChecking(true);
      focusField(found.field);
      return;
    }
    setChecking(false);
    const { env, removeEnv } = envChanges(rows);
    onSubmit({
      name,
      description: description.trim(),
      harness,
      model: model.trim() || selected?.defaultModel || '',
      systemPrompt,
      env,
      removeEnv,
      egressAllow: parseEgress(egress),
      mcpServers: servers.map(serverInput),
      toolPolicy: policyInput(policy),
    });
  };

  const fieldError = (field: string) => (localProblem?.field === field ? localProblem.message : apiField === field ? apiProblem?.message : null);
  const describedBy = (field: string, hint: string) => (fieldError(field) ? `${hint} ${hint}-error` : hint);

  return (
    <form className="form" onSubmit={submit} noValidate ref={formRef}>
      {apiProblem ? <ErrorNotice problem={apiProblem} /> : null}

      <div className="form-section">
        <div className="field">
          <label htmlFor={ids.name}>Name</label>
          <input
            id={ids.name}
            value={name}
            onChange={(e) => {
              setName(e.target.value.toLowerCase());
              edited('name');
            }}
            spellCheck={false}
            autoComplete="off"
            required
            maxLength={63}
            aria-invalid={fieldError('name') ? true : undefined}
            aria-describedby={describedBy('name', `${ids.name}-hint`)}
            autoFocus={!initial}
          />
          <p id={`${ids.name}-hint`} className="field-hint">
            Lowercase letters, digits and dashes, unique in your team, e.g. <code>support-bot</code>.
          </p>
          {fieldError('name') ? (
            <p id={`${ids.name}-hint-error`} className="field-error">
              {fieldError('name')}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.description}>
            Description <span className="optional">optional</span>
          </label>
          <input id={ids.description} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </div>
      </div>

      <div className="form-section">
        {harnesses.length === 0 ? (
          <p className="notice notice-warning">No harnesses are installed on this Paddock server, so agents cannot be created yet.</p>
        ) : (
          <HarnessPicker harnesses={harnesses} value={harness} onChange={chooseHarness} invalid={Boolean(fieldError('harness'))} />
        )}
        {fieldError('harness') ? <p className="field-error">{fieldError('harness')}</p> : null}
        <div className="field">
          <label htmlFor={ids.model}>Model</label>
          <input
            id={ids.model}
            className="mono"
            value={model}
            placeholder={selected?.defaultModel}
            onChange={(e) => {
              setModel(e.target.value);
              edited('model');
            }}
            spellCheck={false}
            aria-invalid={fieldError('model') ? true : undefined}
            aria-describedby={describedBy('model', `${ids.model}-hint`)}
          />
          <p id={`${ids.model}-hint`} className="field-hint">
            Defaults to the harness’s model{selected ? ` (${selected.defaultModel})` : ''}.
          </p>
          {fieldError('model') ? (
            <p id={`${ids.model}-hint-error`} className="field-error">
              {fieldError('model')}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.prompt}>
            System prompt <span className="optional">optional</span>
          </label>
          <textarea
            id={ids.prompt}
            rows={6}
            value={systemPrompt}
            onChange={(e) => {
              setSystemPrompt(e.target.value);
              edited('systemPrompt');
            }}
            placeholder="You are a careful assistant that…"
            aria-invalid={fieldError('systemPrompt') ? true : undefined}
          />
          {fieldError('systemPrompt') ? <p className="field-error">{fieldError('systemPrompt')}</p> : null}
        </div>
      </div>

      <div className="form-section" data-field="env">
        <h2 className="section-title">Environment variables</h2>
        <p className="field-hint">Secrets for the agent’s sandbox. They are encrypted at rest, never shown again and never written to the event log.</p>
        <EnvVarsEditor
          rows={rows}
          onChange={(next) => {
            setRows(next);
            edited('env');
          }}
        />
        {fieldError('env') || fieldError('removeEnv') ? (
          <p className="field-error" role="alert">
            {fieldError('env') ?? fieldError('removeEnv')}
          </p>
        ) : null}
      </div>

      <div className="form-section">
        <div className="field">
          <label htmlFor={ids.egress}>
            Egress allow-list <span className="optional">optional</span>
          </label>
          <textarea
            id={ids.egress}
            className="mono"
            rows={3}
            value={egress}
            onChange={(e) => {
              setEgress(e.target.value);
              edited('egressAllow');
            }}
            placeholder={'api.github.com\n*.pypi.org\n10.0.0.0/8'}
            spellCheck={false}
            aria-invalid={fieldError('egressAllow') ? true : undefined}
            aria-describedby={describedBy('egressAllow', `${ids.egress}-hint`)}
          />
          <p id={`${ids.egress}-hint`} className="field-hint">
            One host, <code>*.domain</code> or IPv4 CIDR per line. The sandbox can always reach DNS and the model gateway; everything else is blocked.
          </p>
          {fieldError('egressAllow') ? (
            <p id={`${ids.egress}-hint-error`} className="field-error">
              {fieldError('egressAllow')}
            </p>
          ) : null}
        </div>
      </div>

      <div className="form-section" data-field="mcpServers">
        <h2 className="section-title">MCP servers</h2>
        <p className="field-hint">
          Remote tools the agent can call. Their hosts are added to the egress allow-list; header values are kept by Paddock and added on the way out, never
          shown to the sandbox.
        </p>
        <McpServersEditor
          rows={servers}
          onTest={onTestMcpServer}
          onChange={(next) => {
            setServers(next);
            edited('mcpServers');
          }}
        />
        {fieldError('mcpServers') ? (
          <p className="field-error" role="alert">
            {fieldError('mcpServers')}
          </p>
        ) : null}
      </div>

      <div className="form-section" data-field="toolPolicy">
        <h2 className="section-title">Tool approvals</h2>
        <p className="field-hint">
          Rules in order; the first whose tool (and command) pattern matches a call decides. <code>*</code> matches anything. Calls no rule matches run. Tools
          go by the harness's names: <code>run_command</code>, <code>write_file</code> for chat; <code>Bash</code>, <code>Write</code>,{' '}
          <code>mcp__server__tool</code> for Claude Code; <code>shell</code>, <code>apply_patch</code> for Codex.
        </p>
        <ToolPolicyEditor
          rows={policy}
          onChange={(next) => {
            setPolicy(next);
            edited('toolPolicy');
          }}
        />
        {fieldError('toolPolicy') ? (
          <p className="field-error" role="alert">
            {fieldError('toolPolicy')}
          </p>
        ) : null}
      </div>

      <div className="form-actions">
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy || harnesses.length === 0}>
          {busy ? 'Saving…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
