/** Names of the durable jobs; the API enqueues run-turn in the same transaction as the message. */
export const JOBS = {
  runTurn: 'run-turn',
  destroySandbox: 'destroy-sandbox',
  housekeeping: 'housekeeping',
} as const;

export type RunTurnPayload = { turnId: string };
