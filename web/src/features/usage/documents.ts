import { graphql } from '../../gql/index.ts';

export const TeamOverviewQuery = graphql(`
  query TeamOverview($days: Int!) {
    viewer {
      role
      team {
        id
        name
        usage {
          inputTokens
          outputTokens
          totalTokens
          cacheReadTokens
          costUsd
          unpricedTokens
        }
        usageByDay(days: $days) {
          day
          agentId
          agent {
            id
            name
          }
          model
          usage {
            totalTokens
            costUsd
            unpricedTokens
          }
        }
      }
    }
  }
`);

export const AgentUsageQuery = graphql(`
  query AgentUsage($id: ID!, $days: Int!) {
    agent(id: $id) {
      id
      usageByDay(days: $days) {
        day
        agentId
        model
        usage {
          totalTokens
          costUsd
          unpricedTokens
        }
      }
    }
  }
`);
