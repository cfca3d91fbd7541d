/** Names of the durable jobs; the API enqueues run-turn in the same transaction as the message. */
export const JOBS = {
  runTurn: 'run-turn',
  destroySandbox: 'destroy-sandbox',
  housekeeping: 'housekeeping',
  /** Denies a tool call still awaiting approval at its deadline. */
  expireApproval: 'expire-approval',
} as const;

export type RunTurnPayload = { turnId: string };
