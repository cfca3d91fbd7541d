/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      team {\n        id\n        name\n      }\n      apiKey {\n        id\n        name\n        prefix\n      }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query Harnesses {\n    harnesses {\n      name\n      displayName\n      description\n      capabilities\n      defaultModel\n    }\n  }\n": typeof types.HarnessesDocument,
    "\n  query AgentsList($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {\n    agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          harnessName\n          model\n          updatedAt\n          harness {\n            name\n            displayName\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.AgentsListDocument,
    "\n  query AgentDetail($id: ID!) {\n    agent(id: $id) {\n      id\n      name\n      description\n      harnessName\n      harness {\n        name\n        displayName\n        description\n        capabilities\n        defaultModel\n      }\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      createdAt\n      updatedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n  }\n": typeof types.AgentDetailDocument,
    "\n  query AgentSessions($id: ID!, $first: Int, $after: String) {\n    agent(id: $id) {\n      id\n      sessions(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            title\n            status\n            createdAt\n            lastActiveAt\n            usage {\n              totalTokens\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.AgentSessionsDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      name\n      description\n      harnessName\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      updatedAt\n    }\n  }\n": typeof types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id) {\n      deletedId\n    }\n  }\n": typeof types.DeleteAgentDocument,
    "\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n": typeof types.ChatMessageFieldsFragmentDoc,
    "\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.SessionViewDocument,
    "\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.EarlierMessagesDocument,
    "\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n": typeof types.SessionEventsPageDocument,
    "\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n": typeof types.SessionEventsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n": typeof types.CancelTurnDocument,
    "\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n": typeof types.EndSessionDocument,
    "\n  fragment TurnTimelineFields on Turn {\n    id\n    status\n    queuedAt\n    startedAt\n    sandboxReadyAt\n    sandboxLaunch\n    firstTokenAt\n    endedAt\n    durationMs\n    timeToFirstTokenMs\n    error\n    usage {\n      inputTokens\n      outputTokens\n    }\n    userMessage {\n      content\n    }\n    steps {\n      kind\n      name\n      status\n      startedAt\n      endedAt\n      durationMs\n      timeToFirstTokenMs\n      toolCallId\n      error\n      usage {\n        inputTokens\n        outputTokens\n      }\n    }\n  }\n": typeof types.TurnTimelineFieldsFragmentDoc,
    "\n  query SessionTurns($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      turns(last: $last) {\n        edges {\n          node {\n            ...TurnTimelineFields\n          }\n        }\n      }\n    }\n  }\n": typeof types.SessionTurnsDocument,
    "\n  query SessionsList($first: Int, $after: String, $last: Int, $before: String, $filter: SessionFilter) {\n    sessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id\n          title\n          status\n          createdAt\n          lastActiveAt\n          agent {\n            id\n            name\n          }\n          usage {\n            totalTokens\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": typeof types.SessionsListDocument,
    "\n  query AgentOptions {\n    agents(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.AgentOptionsDocument,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      id\n      title\n    }\n  }\n": typeof types.CreateSessionDocument,
};
const documents: Documents = {
    "\n  query Viewer {\n    viewer {\n      role\n      team {\n        id\n        name\n      }\n      apiKey {\n        id\n        name\n        prefix\n      }\n    }\n  }\n": types.ViewerDocument,
    "\n  query Harnesses {\n    harnesses {\n      name\n      displayName\n      description\n      capabilities\n      defaultModel\n    }\n  }\n": types.HarnessesDocument,
    "\n  query AgentsList($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {\n    agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          harnessName\n          model\n          updatedAt\n          harness {\n            name\n            displayName\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.AgentsListDocument,
    "\n  query AgentDetail($id: ID!) {\n    agent(id: $id) {\n      id\n      name\n      description\n      harnessName\n      harness {\n        name\n        displayName\n        description\n        capabilities\n        defaultModel\n      }\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      createdAt\n      updatedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n  }\n": types.AgentDetailDocument,
    "\n  query AgentSessions($id: ID!, $first: Int, $after: String) {\n    agent(id: $id) {\n      id\n      sessions(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            title\n            status\n            createdAt\n            lastActiveAt\n            usage {\n              totalTokens\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.AgentSessionsDocument,
    "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateAgentDocument,
    "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      name\n      description\n      harnessName\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      updatedAt\n    }\n  }\n": types.UpdateAgentDocument,
    "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id) {\n      deletedId\n    }\n  }\n": types.DeleteAgentDocument,
    "\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n": types.ChatMessageFieldsFragmentDoc,
    "\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.SessionViewDocument,
    "\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.EarlierMessagesDocument,
    "\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n": types.SessionEventsPageDocument,
    "\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n": types.SessionEventsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n": types.CancelTurnDocument,
    "\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n": types.EndSessionDocument,
    "\n  fragment TurnTimelineFields on Turn {\n    id\n    status\n    queuedAt\n    startedAt\n    sandboxReadyAt\n    sandboxLaunch\n    firstTokenAt\n    endedAt\n    durationMs\n    timeToFirstTokenMs\n    error\n    usage {\n      inputTokens\n      outputTokens\n    }\n    userMessage {\n      content\n    }\n    steps {\n      kind\n      name\n      status\n      startedAt\n      endedAt\n      durationMs\n      timeToFirstTokenMs\n      toolCallId\n      error\n      usage {\n        inputTokens\n        outputTokens\n      }\n    }\n  }\n": types.TurnTimelineFieldsFragmentDoc,
    "\n  query SessionTurns($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      turns(last: $last) {\n        edges {\n          node {\n            ...TurnTimelineFields\n          }\n        }\n      }\n    }\n  }\n": types.SessionTurnsDocument,
    "\n  query SessionsList($first: Int, $after: String, $last: Int, $before: String, $filter: SessionFilter) {\n    sessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id\n          title\n          status\n          createdAt\n          lastActiveAt\n          agent {\n            id\n            name\n          }\n          usage {\n            totalTokens\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n": types.SessionsListDocument,
    "\n  query AgentOptions {\n    agents(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.AgentOptionsDocument,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      id\n      title\n    }\n  }\n": types.CreateSessionDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      role\n      team {\n        id\n        name\n      }\n      apiKey {\n        id\n        name\n        prefix\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      role\n      team {\n        id\n        name\n      }\n      apiKey {\n        id\n        name\n        prefix\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Harnesses {\n    harnesses {\n      name\n      displayName\n      description\n      capabilities\n      defaultModel\n    }\n  }\n"): (typeof documents)["\n  query Harnesses {\n    harnesses {\n      name\n      displayName\n      description\n      capabilities\n      defaultModel\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentsList($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {\n    agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          harnessName\n          model\n          updatedAt\n          harness {\n            name\n            displayName\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentsList($first: Int, $after: String, $last: Int, $before: String, $filter: AgentFilter) {\n    agents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        cursor\n        node {\n          id\n          name\n          description\n          harnessName\n          model\n          updatedAt\n          harness {\n            name\n            displayName\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentDetail($id: ID!) {\n    agent(id: $id) {\n      id\n      name\n      description\n      harnessName\n      harness {\n        name\n        displayName\n        description\n        capabilities\n        defaultModel\n      }\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      createdAt\n      updatedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentDetail($id: ID!) {\n    agent(id: $id) {\n      id\n      name\n      description\n      harnessName\n      harness {\n        name\n        displayName\n        description\n        capabilities\n        defaultModel\n      }\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      createdAt\n      updatedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentSessions($id: ID!, $first: Int, $after: String) {\n    agent(id: $id) {\n      id\n      sessions(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            title\n            status\n            createdAt\n            lastActiveAt\n            usage {\n              totalTokens\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentSessions($id: ID!, $first: Int, $after: String) {\n    agent(id: $id) {\n      id\n      sessions(first: $first, after: $after) {\n        edges {\n          node {\n            id\n            title\n            status\n            createdAt\n            lastActiveAt\n            usage {\n              totalTokens\n            }\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAgent($input: CreateAgentInput!) {\n    createAgent(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      name\n      description\n      harnessName\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {\n    updateAgent(id: $id, input: $input) {\n      id\n      name\n      description\n      harnessName\n      model\n      systemPrompt\n      envVarNames\n      egressAllow\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id) {\n      deletedId\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteAgent($id: ID!) {\n    deleteAgent(id: $id) {\n      deletedId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n"): (typeof documents)["\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n"): (typeof documents)["\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TurnTimelineFields on Turn {\n    id\n    status\n    queuedAt\n    startedAt\n    sandboxReadyAt\n    sandboxLaunch\n    firstTokenAt\n    endedAt\n    durationMs\n    timeToFirstTokenMs\n    error\n    usage {\n      inputTokens\n      outputTokens\n    }\n    userMessage {\n      content\n    }\n    steps {\n      kind\n      name\n      status\n      startedAt\n      endedAt\n      durationMs\n      timeToFirstTokenMs\n      toolCallId\n      error\n      usage {\n        inputTokens\n        outputTokens\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment TurnTimelineFields on Turn {\n    id\n    status\n    queuedAt\n    startedAt\n    sandboxReadyAt\n    sandboxLaunch\n    firstTokenAt\n    endedAt\n    durationMs\n    timeToFirstTokenMs\n    error\n    usage {\n      inputTokens\n      outputTokens\n    }\n    userMessage {\n      content\n    }\n    steps {\n      kind\n      name\n      status\n      startedAt\n      endedAt\n      durationMs\n      timeToFirstTokenMs\n      toolCallId\n      error\n      usage {\n        inputTokens\n        outputTokens\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionTurns($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      turns(last: $last) {\n        edges {\n          node {\n            ...TurnTimelineFields\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionTurns($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      turns(last: $last) {\n        edges {\n          node {\n            ...TurnTimelineFields\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionsList($first: Int, $after: String, $last: Int, $before: String, $filter: SessionFilter) {\n    sessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id\n          title\n          status\n          createdAt\n          lastActiveAt\n          agent {\n            id\n            name\n          }\n          usage {\n            totalTokens\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query SessionsList($first: Int, $after: String, $last: Int, $before: String, $filter: SessionFilter) {\n    sessions(first: $first, after: $after, last: $last, before: $before, filter: $filter) {\n      edges {\n        node {\n          id\n          title\n          status\n          createdAt\n          lastActiveAt\n          agent {\n            id\n            name\n          }\n          usage {\n            totalTokens\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AgentOptions {\n    agents(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AgentOptions {\n    agents(first: 100) {\n      edges {\n        node {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) {\n      id\n      title\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;