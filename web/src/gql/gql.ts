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
    "\n  query Schedules {\n    schedules(first: 100) {\n      edges {\n        node {\n          id\n          name\n          cron\n          timezone\n          prompt\n          sessionMode\n          overlap\n          enabled\n          nextRunAt\n          runCount\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.SchedulesDocument,
    "\n  query ScheduleRuns($id: ID!) {\n    schedule(id: $id) {\n      id\n      nextRuns(count: 5)\n      runs(first: 50) {\n        edges {\n          node {\n            id\n            runNumber\n            scheduledAt\n            firedAt\n            outcome\n            error\n            session {\n              id\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ScheduleRunsDocument,
    "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateScheduleDocument,
    "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) {\n      id\n      enabled\n      nextRunAt\n    }\n  }\n": typeof types.UpdateScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id) {\n      deletedId\n    }\n  }\n": typeof types.DeleteScheduleDocument,
    "\n  query Triggers {\n    triggers(first: 100) {\n      edges {\n        node {\n          id\n          name\n          kind\n          url\n          events\n          prompt\n          sessionMode\n          enabled\n          runCount\n          agent {\n            id\n            name\n          }\n          runs(first: 20) {\n            edges {\n              node {\n                id\n                runNumber\n                event\n                deliveryId\n                outcome\n                error\n                createdAt\n                session {\n                  id\n                  title\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.TriggersDocument,
    "\n  mutation CreateTrigger($input: CreateTriggerInput!) {\n    createTrigger(input: $input) {\n      url\n      secret\n      trigger {\n        id\n        name\n        kind\n      }\n    }\n  }\n": typeof types.CreateTriggerDocument,
    "\n  mutation UpdateTrigger($id: ID!, $input: UpdateTriggerInput!) {\n    updateTrigger(id: $id, input: $input) {\n      id\n      enabled\n    }\n  }\n": typeof types.UpdateTriggerDocument,
    "\n  mutation DeleteTrigger($id: ID!) {\n    deleteTrigger(id: $id) {\n      deletedId\n    }\n  }\n": typeof types.DeleteTriggerDocument,
    "\n  query Webhooks {\n    webhooks(first: 100) {\n      edges {\n        node {\n          id\n          url\n          events\n          enabled\n          disabledReason\n          consecutiveFailures\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.WebhooksDocument,
    "\n  query WebhookDeliveries($id: ID!) {\n    webhook(id: $id) {\n      id\n      deliveries(first: 50) {\n        edges {\n          node {\n            id\n            eventType\n            status\n            attempt\n            statusCode\n            latencyMs\n            error\n            nextRetryAt\n            createdAt\n            payload\n            responseBody\n          }\n        }\n      }\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n      }\n    }\n  }\n": typeof types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      id\n      enabled\n      disabledReason\n      consecutiveFailures\n    }\n  }\n": typeof types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      deletedId\n    }\n  }\n": typeof types.DeleteWebhookDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.RedeliverDocument,
    "\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n": typeof types.ChatMessageFieldsFragmentDoc,
    "\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.SessionViewDocument,
    "\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": typeof types.EarlierMessagesDocument,
    "\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n": typeof types.SessionEventsPageDocument,
    "\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n": typeof types.SessionEventsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n": typeof types.CancelTurnDocument,
    "\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n": typeof types.EndSessionDocument,
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
    "\n  query Schedules {\n    schedules(first: 100) {\n      edges {\n        node {\n          id\n          name\n          cron\n          timezone\n          prompt\n          sessionMode\n          overlap\n          enabled\n          nextRunAt\n          runCount\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.SchedulesDocument,
    "\n  query ScheduleRuns($id: ID!) {\n    schedule(id: $id) {\n      id\n      nextRuns(count: 5)\n      runs(first: 50) {\n        edges {\n          node {\n            id\n            runNumber\n            scheduledAt\n            firedAt\n            outcome\n            error\n            session {\n              id\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ScheduleRunsDocument,
    "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      id\n    }\n  }\n": types.CreateScheduleDocument,
    "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) {\n      id\n      enabled\n      nextRunAt\n    }\n  }\n": types.UpdateScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id) {\n      deletedId\n    }\n  }\n": types.DeleteScheduleDocument,
    "\n  query Triggers {\n    triggers(first: 100) {\n      edges {\n        node {\n          id\n          name\n          kind\n          url\n          events\n          prompt\n          sessionMode\n          enabled\n          runCount\n          agent {\n            id\n            name\n          }\n          runs(first: 20) {\n            edges {\n              node {\n                id\n                runNumber\n                event\n                deliveryId\n                outcome\n                error\n                createdAt\n                session {\n                  id\n                  title\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.TriggersDocument,
    "\n  mutation CreateTrigger($input: CreateTriggerInput!) {\n    createTrigger(input: $input) {\n      url\n      secret\n      trigger {\n        id\n        name\n        kind\n      }\n    }\n  }\n": types.CreateTriggerDocument,
    "\n  mutation UpdateTrigger($id: ID!, $input: UpdateTriggerInput!) {\n    updateTrigger(id: $id, input: $input) {\n      id\n      enabled\n    }\n  }\n": types.UpdateTriggerDocument,
    "\n  mutation DeleteTrigger($id: ID!) {\n    deleteTrigger(id: $id) {\n      deletedId\n    }\n  }\n": types.DeleteTriggerDocument,
    "\n  query Webhooks {\n    webhooks(first: 100) {\n      edges {\n        node {\n          id\n          url\n          events\n          enabled\n          disabledReason\n          consecutiveFailures\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.WebhooksDocument,
    "\n  query WebhookDeliveries($id: ID!) {\n    webhook(id: $id) {\n      id\n      deliveries(first: 50) {\n        edges {\n          node {\n            id\n            eventType\n            status\n            attempt\n            statusCode\n            latencyMs\n            error\n            nextRetryAt\n            createdAt\n            payload\n            responseBody\n          }\n        }\n      }\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n      }\n    }\n  }\n": types.CreateWebhookDocument,
    "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      id\n      enabled\n      disabledReason\n      consecutiveFailures\n    }\n  }\n": types.UpdateWebhookDocument,
    "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      deletedId\n    }\n  }\n": types.DeleteWebhookDocument,
    "\n  mutation Redeliver($id: ID!) {\n    redeliver(id: $id) {\n      id\n      status\n    }\n  }\n": types.RedeliverDocument,
    "\n  fragment ChatMessageFields on Message {\n    id\n    role\n    content\n    status\n    toolCalls\n    toolCallId\n    thinking\n    error\n    createdAt\n  }\n": types.ChatMessageFieldsFragmentDoc,
    "\n  query SessionView($id: ID!, $last: Int!) {\n    session(id: $id) {\n      id\n      title\n      status\n      lastSeq\n      createdAt\n      lastActiveAt\n      endedAt\n      usage {\n        inputTokens\n        outputTokens\n        totalTokens\n      }\n      agent {\n        id\n        name\n        model\n        harness {\n          displayName\n        }\n      }\n      sandbox {\n        driver\n        name\n        phase\n        message\n      }\n      messages(last: $last) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.SessionViewDocument,
    "\n  query EarlierMessages($id: ID!, $last: Int!, $before: String!) {\n    session(id: $id) {\n      id\n      messages(last: $last, before: $before) {\n        edges {\n          node {\n            ...ChatMessageFields\n          }\n        }\n        pageInfo {\n          hasPreviousPage\n          startCursor\n        }\n      }\n    }\n  }\n": types.EarlierMessagesDocument,
    "\n  query SessionEventsPage($id: ID!, $after: Int!, $first: Int!) {\n    session(id: $id) {\n      id\n      events(after: $after, first: $first) {\n        seq\n        type\n        messageId\n        delta\n        payload\n        createdAt\n      }\n    }\n  }\n": types.SessionEventsPageDocument,
    "\n  subscription SessionEvents($sessionId: ID!, $after: Int) {\n    sessionEvents(sessionId: $sessionId, after: $after) {\n      seq\n      type\n      messageId\n      delta\n      payload\n      createdAt\n    }\n  }\n": types.SessionEventsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      ...ChatMessageFields\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation CancelTurn($sessionId: ID!) {\n    cancelTurn(sessionId: $sessionId) {\n      id\n    }\n  }\n": types.CancelTurnDocument,
    "\n  mutation EndSession($sessionId: ID!) {\n    endSession(sessionId: $sessionId) {\n      id\n      status\n      endedAt\n    }\n  }\n": types.EndSessionDocument,
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
export function graphql(source: "\n  query Schedules {\n    schedules(first: 100) {\n      edges {\n        node {\n          id\n          name\n          cron\n          timezone\n          prompt\n          sessionMode\n          overlap\n          enabled\n          nextRunAt\n          runCount\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Schedules {\n    schedules(first: 100) {\n      edges {\n        node {\n          id\n          name\n          cron\n          timezone\n          prompt\n          sessionMode\n          overlap\n          enabled\n          nextRunAt\n          runCount\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScheduleRuns($id: ID!) {\n    schedule(id: $id) {\n      id\n      nextRuns(count: 5)\n      runs(first: 50) {\n        edges {\n          node {\n            id\n            runNumber\n            scheduledAt\n            firedAt\n            outcome\n            error\n            session {\n              id\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ScheduleRuns($id: ID!) {\n    schedule(id: $id) {\n      id\n      nextRuns(count: 5)\n      runs(first: 50) {\n        edges {\n          node {\n            id\n            runNumber\n            scheduledAt\n            firedAt\n            outcome\n            error\n            session {\n              id\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSchedule($input: CreateScheduleInput!) {\n    createSchedule(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) {\n      id\n      enabled\n      nextRunAt\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) {\n      id\n      enabled\n      nextRunAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id) {\n      deletedId\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteSchedule($id: ID!) {\n    deleteSchedule(id: $id) {\n      deletedId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Triggers {\n    triggers(first: 100) {\n      edges {\n        node {\n          id\n          name\n          kind\n          url\n          events\n          prompt\n          sessionMode\n          enabled\n          runCount\n          agent {\n            id\n            name\n          }\n          runs(first: 20) {\n            edges {\n              node {\n                id\n                runNumber\n                event\n                deliveryId\n                outcome\n                error\n                createdAt\n                session {\n                  id\n                  title\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Triggers {\n    triggers(first: 100) {\n      edges {\n        node {\n          id\n          name\n          kind\n          url\n          events\n          prompt\n          sessionMode\n          enabled\n          runCount\n          agent {\n            id\n            name\n          }\n          runs(first: 20) {\n            edges {\n              node {\n                id\n                runNumber\n                event\n                deliveryId\n                outcome\n                error\n                createdAt\n                session {\n                  id\n                  title\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTrigger($input: CreateTriggerInput!) {\n    createTrigger(input: $input) {\n      url\n      secret\n      trigger {\n        id\n        name\n        kind\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTrigger($input: CreateTriggerInput!) {\n    createTrigger(input: $input) {\n      url\n      secret\n      trigger {\n        id\n        name\n        kind\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTrigger($id: ID!, $input: UpdateTriggerInput!) {\n    updateTrigger(id: $id, input: $input) {\n      id\n      enabled\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTrigger($id: ID!, $input: UpdateTriggerInput!) {\n    updateTrigger(id: $id, input: $input) {\n      id\n      enabled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTrigger($id: ID!) {\n    deleteTrigger(id: $id) {\n      deletedId\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteTrigger($id: ID!) {\n    deleteTrigger(id: $id) {\n      deletedId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Webhooks {\n    webhooks(first: 100) {\n      edges {\n        node {\n          id\n          url\n          events\n          enabled\n          disabledReason\n          consecutiveFailures\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Webhooks {\n    webhooks(first: 100) {\n      edges {\n        node {\n          id\n          url\n          events\n          enabled\n          disabledReason\n          consecutiveFailures\n          agent {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($id: ID!) {\n    webhook(id: $id) {\n      id\n      deliveries(first: 50) {\n        edges {\n          node {\n            id\n            eventType\n            status\n            attempt\n            statusCode\n            latencyMs\n            error\n            nextRetryAt\n            createdAt\n            payload\n            responseBody\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebhookDeliveries($id: ID!) {\n    webhook(id: $id) {\n      id\n      deliveries(first: 50) {\n        edges {\n          node {\n            id\n            eventType\n            status\n            attempt\n            statusCode\n            latencyMs\n            error\n            nextRetryAt\n            createdAt\n            payload\n            responseBody\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateWebhook($input: CreateWebhookInput!) {\n    createWebhook(input: $input) {\n      secret\n      webhook {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      id\n      enabled\n      disabledReason\n      consecutiveFailures\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {\n    updateWebhook(id: $id, input: $input) {\n      id\n      enabled\n      disabledReason\n      consecutiveFailures\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      deletedId\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteWebhook($id: ID!) {\n    deleteWebhook(id: $id) {\n      deletedId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Redeliver($id: ID!) {\n    redeliver(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation Redeliver($id: ID!) {\n    redeliver(id: $id) {\n      id\n      status\n    }\n  }\n"];
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