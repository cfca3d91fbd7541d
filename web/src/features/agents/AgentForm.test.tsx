import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentForm, parseEgress, type AgentFormValues } from './AgentForm.tsx';
import { envChanges, envProblem, rowsFromNames, newRow } from './envVars.ts';

const harnesses = [
  { name: 'chat', displayName: 'Chat', description: 'Built-in agent loop.', capabilities: ['streaming', 'tools'], defaultModel: 'paddock-mock' },
  { name: 'codex', displayName: 'Codex', description: 'OpenAI Codex.', capabilities: ['files'], defaultModel: 'gpt-5-codex' },
];

function setup(initial?: Parameters<typeof AgentForm>[0]['initial']) {
  const onSubmit = vi.fn<(values: AgentFormValues) => void>();
  const onTest = vi.fn(async () => ({ ok: true, error: null, tools: [{ name: 'search', description: 'Searches.' }] }));
  render(
    <AgentForm
      harnesses={harnesses}
      initial={initial}
      submitLabel="Save"
      busy={false}
      problem={null}
      onSubmit={onSubmit}
      onCancel={vi.fn()}
      onTestMcpServer={onTest}
    />,
  );
  return { onSubmit, onTest };
}

describe('AgentForm', () => {
  it("shows each harness's description and capabilities and follows its default model", async () => {
    setup();
    expect(screen.getByText('Built-in agent loop.')).toBeInTheDocument();
    expect(screen.getByText('tools')).toBeInTheDocument();
    const model = screen.getByLabelText('Model', { exact: true }) as HTMLInputElement;
    expect(model.value).toBe('paddock-mock');
    await userEvent.click(screen.getByRole('radio', { name: /Codex/ }));
    expect(model.value).toBe('gpt-5-codex');
    await userEvent.clear(model);
    await userEvent.type(model, 'my-model');
    await userEvent.click(screen.getByRole('radio', { name: /Chat/ }));
    expect(model.value).toBe('my-model');
  });

  it('creates with new variables and an allow-list', async () => {
    const { onSubmit } = setup();
    await userEvent.type(screen.getByLabelText('Name', { exact: true }), 'Support-Bot');
    await userEvent.click(screen.getByRole('button', { name: '+ Add variable' }));
    await userEvent.type(screen.getByLabelText('Variable 1 name'), 'api token');
    await userEvent.type(screen.getByLabelText('Variable 1 value'), 'v4lue');
    await userEvent.type(screen.getByLabelText(/Egress allow-list/), 'api.github.com{Enter}*.pypi.org');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({
        name: 'support-bot',
        harness: 'chat',
        model: 'paddock-mock',
        env: [{ name: 'API_TOKEN', value: 'v4lue' }],
        removeEnv: [],
        egressAllow: ['api.github.com', '*.pypi.org'],
      }),
    );
  });

  it('edits existing variables by name only: replace and remove', async () => {
    const { onSubmit } = setup({
      name: 'bot',
      description: '',
      harnessName: 'chat',
      model: 'paddock-mock',
      systemPrompt: '',
      envVarNames: ['KEEP_ME', 'ROTATE', 'DROP'],
      egressAllow: [],
      mcpServers: [],
      toolPolicy: [],
    });
    expect(screen.getAllByText('•••••••• (hidden)')).toHaveLength(3);
    await userEvent.click(screen.getByRole('button', { name: 'Replace ROTATE' }));
    await userEvent.type(screen.getByLabelText('New value for ROTATE'), 'fresh');
    await userEvent.click(screen.getByRole('button', { name: 'Remove DROP' }));
    expect(screen.getByText('Will be removed')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({ env: [{ name: 'ROTATE', value: 'fresh' }], removeEnv: ['DROP'] });
  });

  it('explains an invalid name before calling the API, focuses it and clears the error once fixed', async () => {
    const { onSubmit } = setup();
    const name = screen.getByLabelText('Name', { exact: true });
    await userEvent.type(name, '-bad-');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText(/Use lowercase letters, digits and "-"/)).toBeInTheDocument();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveFocus();
    await userEvent.clear(name);
    await userEvent.type(name, 'good-name');
    expect(screen.queryByText(/Use lowercase letters, digits and "-"/)).toBeNull();
    expect(name).not.toHaveAttribute('aria-invalid');
  });

  it('focuses the first invalid field further down the form', async () => {
    const { onSubmit } = setup();
    await userEvent.type(screen.getByLabelText('Name', { exact: true }), 'bot');
    await userEvent.click(screen.getByRole('button', { name: '+ Add variable' }));
    await userEvent.type(screen.getByLabelText('Variable 1 value'), 'v4lue');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Variable 1 name')).toHaveFocus();
    await userEvent.type(screen.getByLabelText('Variable 1 name'), 'TOKEN');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("focuses the field the API blamed and drops the API's error once that field is edited", async () => {
    const problem = { code: 'BAD_USER_INPUT' as const, title: 'Check your input', message: 'egressAllow: "not a host!" is not a host', field: 'egressAllow.0' };
    render(
      <AgentForm harnesses={harnesses} submitLabel="Save" busy={false} problem={problem} onSubmit={vi.fn()} onCancel={vi.fn()} onTestMcpServer={vi.fn()} />,
    );
    const egress = screen.getByLabelText(/Egress allow-list/);
    expect(egress).toHaveFocus();
    expect(egress).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getAllByText(/is not a host/).length).toBeGreaterThan(0);
    await userEvent.type(egress, 'api.github.com');
    expect(screen.queryByText(/is not a host/)).toBeNull();
    expect(egress).not.toHaveAttribute('aria-invalid');
  });
});

describe('AgentForm MCP servers and tool approvals', () => {
  const initial = {
    name: 'bot',
    description: '',
    harnessName: 'chat',
    model: 'paddock-mock',
    systemPrompt: '',
    envVarNames: [],
    egressAllow: [],
    mcpServers: [
      { name: 'docs', url: 'https://mcp.example.com/mcp', transport: 'STREAMABLE_HTTP' as const, headerNames: ['Authorization'], allowedTools: ['search'] },
    ],
    toolPolicy: [{ tool: 'run_command', commandPattern: 'git push*', action: 'ASK' as const }],
  };

  it('keeps stored header values unless replaced, and tests a connection', async () => {
    const { onSubmit, onTest } = setup(initial);
    expect(screen.getByText(/Authorization: ••••/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(onTest).toHaveBeenCalledWith({
      name: 'docs',
      url: 'https://mcp.example.com/mcp',
      transport: 'STREAMABLE_HTTP',
      allowedTools: ['search'],
      headers: null,
    });
    expect(await screen.findByText(/Connected: 1 tool/)).toBeInTheDocument();
    expect(screen.getByText('docs__search')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit.mock.calls[0]![0].mcpServers).toEqual([
      { name: 'docs', url: 'https://mcp.example.com/mcp', transport: 'STREAMABLE_HTTP', allowedTools: ['search'], headers: null },
    ]);
    expect(onSubmit.mock.calls[0]![0].toolPolicy).toEqual([{ tool: 'run_command', commandPattern: 'git push*', action: 'ASK' }]);
  });

  it('replaces headers and adds policy rules in order', async () => {
    const { onSubmit } = setup(initial);
    await userEvent.click(screen.getByRole('button', { name: 'Replace headers' }));
    await userEvent.type(screen.getByLabelText('docs header 1 value'), 'Bearer new');
    await userEvent.click(screen.getByRole('button', { name: '+ Add rule' }));
    const tools = screen.getAllByPlaceholderText('run_command or github__*');
    await userEvent.type(tools[1]!, 'docs__*');
    await userEvent.click(screen.getByRole('button', { name: 'Move rule 2 up' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const values = onSubmit.mock.calls[0]![0];
    expect(values.mcpServers[0]!.headers).toEqual([{ name: 'Authorization', value: 'Bearer new' }]);
    expect(values.toolPolicy).toEqual([
      { tool: 'docs__*', commandPattern: null, action: 'ASK' },
      { tool: 'run_command', commandPattern: 'git push*', action: 'ASK' },
    ]);
  });

  it('explains a server without a URL before calling the API', async () => {
    const { onSubmit } = setup();
    await userEvent.type(screen.getByLabelText('Name', { exact: true }), 'bot');
    await userEvent.click(screen.getByRole('button', { name: '+ Add MCP server' }));
    await userEvent.type(screen.getByPlaceholderText('github'), 'gh');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert')).toHaveTextContent(/http:\/\/ or https:\/\//);
  });
});

describe('env var rows', () => {
  it('sends nothing for kept variables and skips empty rows', () => {
    const rows = [...rowsFromNames(['A', 'B']), newRow()];
    expect(envChanges(rows)).toEqual({ env: [], removeEnv: [] });
  });

  it('catches duplicates and bad names', () => {
    const [existing] = rowsFromNames(['TOKEN']);
    expect(envProblem([existing!, { ...newRow(), name: 'TOKEN', value: 'x' }])).toMatch(/listed twice/);
    expect(envProblem([{ ...newRow(), name: '1ABC', value: 'x' }])).toMatch(/uppercase/);
    expect(envProblem([{ ...newRow(), name: '', value: 'x' }])).toMatch(/name/);
  });

  it('splits the allow-list on lines and commas', () => {
    expect(parseEgress(' a.com, b.org\n\n10.0.0.0/8 ')).toEqual(['a.com', 'b.org', '10.0.0.0/8']);
  });
});
