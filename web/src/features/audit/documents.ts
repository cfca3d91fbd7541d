import { graphql } from '../../gql/index.ts';

export const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter) {
    auditEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      edges {
        cursor
        node {
          id
          action
          actorKeyId
          actorRole
          teamId
          clientAddress
          userAgent
          targetId
          outcome
          detail
          createdAt
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
