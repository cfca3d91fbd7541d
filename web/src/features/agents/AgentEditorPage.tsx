import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { describeError, isMissingObject, type Problem } from '../../lib/graphql/errors.ts';
import { Link, useLocation } from 'wouter';
import { href, paths } from '../../app/routes.tsx';
import { AgentForm, type AgentFormValues } from './AgentForm.tsx';
import { AgentDetailQuery, CreateAgentMutation, HarnessesQuery, TestMcpServerMutation, UpdateAgentMutation } from './documents.ts';
import type { McpTester } from './McpServersEditor.tsx';

const AGENT_CONTEXT = { additionalTypenames: ['Agent'] };

/** Create an agent (no id) or edit one. */
export default function AgentEditorPage({ agentId }: { agentId?: string }) {
  const editing = agentId !== undefined;
  const [, navigate] = useLocation();
  const [harnesses, refetchHarnesses] = useQuery({ query: HarnessesQuery });
  const [agent] = useQuery({ query: AgentDetailQuery, variables: { id: agentId ?? '' }, pause: !editing, requestPolicy: 'network-only' });
  const [creation, createAgent] = useMutation(CreateAgentMutation);
  const [update, updateAgent] = useMutation(UpdateAgentMutation);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [, testServer] = useMutation(TestMcpServerMutation);
  // Editing: headers not typed in are taken from the agent's stored server of that name.
  const testMcpServer: McpTester = async (input) => {
    const result = await testServer({ input, agentId: agentId ?? null });
    if (result.error || !result.data) return { ok: false, error: describeError(result.error).message, tools: [] };
    return result.data.testMcpServer;
  };

  const submit = async (values: AgentFormValues) => {
    setProblem(null);
    if (!editing) {
      const result = await createAgent(
        {
          input: {
            name: values.name,
            description: values.description,
            harness: values.harness,
            model: values.model || null,
            systemPrompt: values.systemPrompt,
            env: values.env,
            egressAllow: values.egressAllow,
            mcpServers: values.mcpServers,
            toolPolicy: values.toolPolicy,
          },
        },
        AGENT_CONTEXT,
      );
      if (result.error || !result.data) return setProblem(describeError(result.error));
      navigate(href.agent(result.data.createAgent.id), { replace: true });
      return;
    }
    const result = await updateAgent(
      {
        id: agentId,
        input: {
          name: values.name,
          description: values.description,
          harness: values.harness,
          model: values.model || null,
          systemPrompt: values.systemPrompt,
          egressAllow: values.egressAllow,
          env: values.env.length > 0 ? values.env : null,
          removeEnv: values.removeEnv.length > 0 ? values.removeEnv : null,
          mcpServers: values.mcpServers,
          toolPolicy: values.toolPolicy,
        },
      },
      AGENT_CONTEXT,
    );
    if (result.error || !result.data) return setProblem(describeError(result.error));
    navigate(href.agent(agentId), { replace: true });
  };

  const title = editing ? `Edit ${agent.data?.agent?.name ?? 'agent'}` : 'New agent';
  const back = editing ? href.agent(agentId) : paths.agents;

  let body;
  if (harnesses.error && !harnesses.data) {
    body = <ErrorNotice problem={describeError(harnesses.error)} onRetry={() => refetchHarnesses({ requestPolicy: 'network-only' })} />;
  } else if (editing && agent.error && !agent.data && !isMissingObject(agent.error)) {
    body = <ErrorNotice problem={describeError(agent.error)} />;
  } else if (!harnesses.data || (editing && !agent.data && !agent.error)) {
    body = <Loading />;
  } else if (editing && !agent.data?.agent) {
    body = (
      <EmptyState
        title="Agent not found"
        action={
          <Link to={paths.agents} className="button button-primary">
            Back to agents
          </Link>
        }
      >
        It may have been deleted, or it belongs to another team.
      </EmptyState>
    );
  } else {
    const a = agent.data?.agent;
    body = (
      <AgentForm
        harnesses={harnesses.data.harnesses}
        onTestMcpServer={testMcpServer}
        initial={
          a
            ? {
                name: a.name,
                description: a.description,
                harnessName: a.harnessName,
                model: a.model,
                systemPrompt: a.systemPrompt,
                envVarNames: a.envVarNames,
                egressAllow: a.egressAllow,
                mcpServers: a.mcpServers,
                toolPolicy: a.toolPolicy,
              }
            : undefined
        }
        submitLabel={editing ? 'Save changes' : 'Create agent'}
        busy={creation.fetching || update.fetching}
        problem={problem}
        onSubmit={(values) => void submit(values)}
        onCancel={() => navigate(back)}
      />
    );
  }

  return (
    <div className="page page-narrow">
      <PageHeader
        eyebrow={
          <Link to={back} className="back-link">
            ← {editing ? 'Agent' : 'Agents'}
          </Link>
        }
        title={title}
      />
      {body}
    </div>
  );
}
