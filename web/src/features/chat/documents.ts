import { graphql } from '../../gql/index.ts';

export const SessionViewQuery = graphql(`
  query SessionView($id: ID!, $last: Int!) {
    session(id: $id) {
      id
      title
      status
      lastSeq
      createdAt
      lastActiveAt
      endedAt
      usage {
        inputTokens
        outputTokens
        totalTokens
      }
      agent {
        id
        name
        model
        harness {
          displayName
        }
      }
      sandbox {
        driver
        name
        phase
        message
      }
      messages(last: $last) {
        edges {
          node {
            ...ChatMessageFields
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

export const EarlierMessagesQuery = graphql(`
  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {
    session(id: $id) {
      id
      messages(last: $last, before: $before) {
        edges {
          node {
            ...ChatMessageFields
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

export const SessionEventsPageQuery = graphql(`
  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {
    session(id: $id) {
      id
      events(after: $after, first: $first) {
        ...EventsTabEvent
      }
    }
  }
`);

/** Just enough of the log to find where a running turn began (see resume.ts). */
export const TurnStartsQuery = graphql(`
  query TurnStarts($id: ID!, $after: Int!, $first: Int!) {
    session(id: $id) {
      id
      events(after: $after, first: $first) {
        __typename
        seq
        messageId
      }
    }
  }
`);

/** Each event feeds the chat state and the Events tab, which read their own fragments of it. */
export const SessionEventsSubscription = graphql(`
  subscription SessionEvents($sessionId: ID!, $after: Int) {
    sessionEvents(sessionId: $sessionId, after: $after) {
      seq
      ...ChatEventFields
      ...EventsTabEvent
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      ...ChatMessageFields
    }
  }
`);

export const CancelTurnMutation = graphql(`
  mutation CancelTurn($sessionId: ID!) {
    cancelTurn(sessionId: $sessionId) {
      id
    }
  }
`);

export const EndSessionMutation = graphql(`
  mutation EndSession($sessionId: ID!) {
    endSession(sessionId: $sessionId) {
      id
      status
      endedAt
    }
  }
`);

export const TurnTimelineFields = graphql(`
  fragment TurnTimelineFields on Turn {
    id
    status
    queuedAt
    startedAt
    sandboxReadyAt
    sandboxLaunch
    firstTokenAt
    endedAt
    durationMs
    timeToFirstTokenMs
    error
    usage {
      inputTokens
      outputTokens
    }
    userMessage {
      content
    }
    steps {
      kind
      name
      status
      startedAt
      endedAt
      durationMs
      timeToFirstTokenMs
      toolCallId
      error
      usage {
        inputTokens
        outputTokens
      }
    }
  }
`);

export const SessionTurnsQuery = graphql(`
  query SessionTurns($id: ID!, $last: Int!) {
    session(id: $id) {
      id
      turns(last: $last) {
        edges {
          node {
            ...TurnTimelineFields
          }
        }
      }
    }
  }
`);

export const PendingApprovalsQuery = graphql(`
  query PendingApprovals($id: ID!) {
    session(id: $id) {
      id
      status
      pendingApprovals {
        toolCallId
        tool
        server
        input
        expiresAt
        rule {
          tool
          commandPattern
          action
        }
      }
    }
  }
`);

export const ApproveToolCallMutation = graphql(`
  mutation ApproveToolCall($sessionId: ID!, $toolCallId: String!) {
    approveToolCall(sessionId: $sessionId, toolCallId: $toolCallId) {
      toolCallId
      status
    }
  }
`);

export const DenyToolCallMutation = graphql(`
  mutation DenyToolCall($sessionId: ID!, $toolCallId: String!, $reason: String) {
    denyToolCall(sessionId: $sessionId, toolCallId: $toolCallId, reason: $reason) {
      toolCallId
      status
    }
  }
`);
