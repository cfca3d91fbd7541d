import { graphql } from '../../gql/index.ts';

export const SchedulesQuery = graphql(`
  query Schedules {
    schedules(first: 100) {
      edges {
        node {
          id
          name
          cron
          timezone
          prompt
          sessionMode
          overlap
          enabled
          nextRunAt
          runCount
          agent {
            id
            name
          }
        }
      }
    }
  }
`);

export const ScheduleRunsQuery = graphql(`
  query ScheduleRuns($id: ID!) {
    schedule(id: $id) {
      id
      nextRuns(count: 5)
      runs(first: 50) {
        edges {
          node {
            id
            runNumber
            scheduledAt
            firedAt
            outcome
            error
            session {
              id
              title
            }
          }
        }
      }
    }
  }
`);

export const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($input: CreateScheduleInput!) {
    createSchedule(input: $input) {
      id
    }
  }
`);

export const UpdateScheduleMutation = graphql(`
  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {
    updateSchedule(id: $id, input: $input) {
      id
      enabled
      nextRunAt
    }
  }
`);

export const DeleteScheduleMutation = graphql(`
  mutation DeleteSchedule($id: ID!) {
    deleteSchedule(id: $id) {
      deletedId
    }
  }
`);

export const TriggersQuery = graphql(`
  query Triggers {
    triggers(first: 50) {
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          name
          kind
          url
          events
          prompt
          sessionMode
          enabled
          runCount
          agent {
            id
            name
          }
          runs(first: 5) {
            edges {
              node {
                id
                runNumber
                event
                deliveryId
                outcome
                error
                createdAt
                session {
                  id
                  title
                }
              }
            }
          }
        }
      }
    }
  }
`);

export const CreateTriggerMutation = graphql(`
  mutation CreateTrigger($input: CreateTriggerInput!) {
    createTrigger(input: $input) {
      url
      secret
      trigger {
        id
        name
        kind
      }
    }
  }
`);

export const UpdateTriggerMutation = graphql(`
  mutation UpdateTrigger($id: ID!, $input: UpdateTriggerInput!) {
    updateTrigger(id: $id, input: $input) {
      id
      enabled
    }
  }
`);

export const DeleteTriggerMutation = graphql(`
  mutation DeleteTrigger($id: ID!) {
    deleteTrigger(id: $id) {
      deletedId
    }
  }
`);

export const WebhooksQuery = graphql(`
  query Webhooks {
    webhooks(first: 100) {
      edges {
        node {
          id
          url
          events
          enabled
          disabledReason
          consecutiveFailures
          agent {
            id
            name
          }
        }
      }
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($id: ID!) {
    webhook(id: $id) {
      id
      deliveries(first: 50) {
        edges {
          node {
            id
            eventType
            status
            attempt
            statusCode
            latencyMs
            error
            nextRetryAt
            createdAt
            payload
            responseBody
          }
        }
      }
    }
  }
`);

export const CreateWebhookMutation = graphql(`
  mutation CreateWebhook($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      secret
      webhook {
        id
      }
    }
  }
`);

export const UpdateWebhookMutation = graphql(`
  mutation UpdateWebhook($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) {
      id
      enabled
      disabledReason
      consecutiveFailures
    }
  }
`);

export const DeleteWebhookMutation = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) {
      deletedId
    }
  }
`);

export const RedeliverMutation = graphql(`
  mutation Redeliver($id: ID!) {
    redeliver(id: $id) {
      id
      status
    }
  }
`);
