import { graphql } from '../../gql/index.ts';

export const HarnessesQuery = graphql(`
  query Harnesses {
    harnesses {
      name
      displayName
      description
      capabilities
      defaultModel
    }
  }
`);

export const AgentsListQuery = graphql(`
  query AgentsList($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {
    agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      edges {
        cursor
        node {
          id
          name
          description
          harnessName
          model
          updatedAt
          harness {
            name
            displayName
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`);

export const AgentDetailQuery = graphql(`
  query AgentDetail($id: ID!) {
    agent(id: $id) {
      id
      name
      description
      harnessName
      harness {
        name
        displayName
        description
        capabilities
        defaultModel
      }
      model
      systemPrompt
      envVarNames
      egressAllow
      mcpServers {
        name
        url
        transport
        headerNames
        allowedTools
      }
      toolPolicy {
        tool
        commandPattern
        action
      }
      createdAt
      updatedAt
      usage {
        inputTokens
        outputTokens
        totalTokens
        costUsd
        unpricedTokens
      }
    }
  }
`);

export const AgentSessionsQuery = graphql(`
  query AgentSessions($id: ID!, $first: Int, $after: String) {
    agent(id: $id) {
      id
      sessions(first: $first, after: $after) {
        edges {
          node {
            id
            title
            status
            createdAt
            lastActiveAt
            usage {
              totalTokens
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

export const CreateAgentMutation = graphql(`
  mutation CreateAgent($input: CreateAgentInput!) {
    createAgent(input: $input) {
      id
      name
    }
  }
`);

export const UpdateAgentMutation = graphql(`
  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      id
      name
      description
      harnessName
      model
      systemPrompt
      envVarNames
      egressAllow
      updatedAt
    }
  }
`);

export const DeleteAgentMutation = graphql(`
  mutation DeleteAgent($id: ID!) {
    deleteAgent(id: $id) {
      deletedId
    }
  }
`);

export const TestMcpServerMutation = graphql(`
  mutation TestMcpServer($input: McpServerInput!, $agentId: ID) {
    testMcpServer(input: $input, agentId: $agentId) {
      ok
      error
      tools {
        name
        description
      }
    }
  }
`);
