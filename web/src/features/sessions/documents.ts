import { graphql } from '../../gql/index.ts';

export const SessionsListQuery = graphql(`
  query SessionsList($first: Int, $after: String, $last: Int, $before: String, $filter: SessionFilter) {
    sessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      edges {
        node {
          id
          title
          status
          createdAt
          lastActiveAt
          agent {
            id
            name
          }
          usage {
            totalTokens
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

export const AgentOptionsQuery = graphql(`
  query AgentOptions {
    agents(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const CreateSessionMutation = graphql(`
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) {
      id
      title
    }
  }
`);
