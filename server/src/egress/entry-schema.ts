import { z } from 'zod';
import { EgressRuleError, validateEgressEntry, type PrivateAllowList } from './rules.ts';

/** An egress entry, normalised; problems become the entry's own message. */
export function egressEntry(privateAllow: PrivateAllowList) {
  return z.string().transform((value, ctx) => {
    try {
      return validateEgressEntry(value, privateAllow);
    } catch (error) {
      if (!(error instanceof EgressRuleError)) throw error;
      ctx.addIssue({ code: 'custom', message: `is invalid: ${error.message.replace(/\.$/, '')}` });
      return z.NEVER;
    }
  });
}
