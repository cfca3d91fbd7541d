import { z } from 'zod';
import type { SessionLimits } from '../api.ts';
import { intRange, withDefault } from '../validate.ts';

export type ResolvedLimits = Required<SessionLimits>;

export const DEFAULT_LIMITS: ResolvedLimits = {
  maxSteps: 8,
  toolTimeoutMs: 30_000,
  maxToolOutputBytes: 16 * 1024,
  commandNetwork: 'host',
  modelFirstByteTimeoutMs: 60_000,
  modelIdleTimeoutMs: 120_000,
  modelMaxRetries: 3,
};

const limitFields = z.object({
  maxSteps: withDefault(intRange(1, 100), DEFAULT_LIMITS.maxSteps),
  toolTimeoutMs: withDefault(intRange(100, 3_600_000), DEFAULT_LIMITS.toolTimeoutMs),
  maxToolOutputBytes: withDefault(intRange(256, 10 * 1024 * 1024), DEFAULT_LIMITS.maxToolOutputBytes),
  commandNetwork: withDefault(z.enum(['host', 'none'], { error: 'must be "host" or "none".' }), DEFAULT_LIMITS.commandNetwork),
  modelFirstByteTimeoutMs: withDefault(intRange(100, 3_600_000), DEFAULT_LIMITS.modelFirstByteTimeoutMs),
  modelIdleTimeoutMs: withDefault(intRange(100, 3_600_000), DEFAULT_LIMITS.modelIdleTimeoutMs),
  modelMaxRetries: withDefault(intRange(0, 20), DEFAULT_LIMITS.modelMaxRetries),
});

/** `limits` of an attach request: all optional, each field defaulted on its own. */
export const limitsSchema = limitFields.nullish().transform((limits): ResolvedLimits => limits ?? { ...DEFAULT_LIMITS });
