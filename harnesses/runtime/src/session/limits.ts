import type { SessionLimits } from '../api.ts';
import { badRequest } from '../http/errors.ts';
import { object, optionalInt } from '../validate.ts';

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

function commandNetwork(value: unknown): ResolvedLimits['commandNetwork'] {
  if (value === undefined || value === null) return DEFAULT_LIMITS.commandNetwork;
  if (value !== 'host' && value !== 'none') throw badRequest('limits.commandNetwork must be "host" or "none".');
  return value;
}

export function parseLimits(value: unknown): ResolvedLimits {
  if (value === undefined || value === null) return { ...DEFAULT_LIMITS };
  const limits = object(value, 'limits');
  return {
    maxSteps: optionalInt(limits.maxSteps, 'limits.maxSteps', 1, 100) ?? DEFAULT_LIMITS.maxSteps,
    toolTimeoutMs: optionalInt(limits.toolTimeoutMs, 'limits.toolTimeoutMs', 100, 3_600_000) ?? DEFAULT_LIMITS.toolTimeoutMs,
    maxToolOutputBytes:
      optionalInt(limits.maxToolOutputBytes, 'limits.maxToolOutputBytes', 256, 10 * 1024 * 1024) ??
      DEFAULT_LIMITS.maxToolOutputBytes,
    commandNetwork: commandNetwork(limits.commandNetwork),
    modelFirstByteTimeoutMs:
      optionalInt(limits.modelFirstByteTimeoutMs, 'limits.modelFirstByteTimeoutMs', 100, 3_600_000) ?? DEFAULT_LIMITS.modelFirstByteTimeoutMs,
    modelIdleTimeoutMs: optionalInt(limits.modelIdleTimeoutMs, 'limits.modelIdleTimeoutMs', 100, 3_600_000) ?? DEFAULT_LIMITS.modelIdleTimeoutMs,
    modelMaxRetries: optionalInt(limits.modelMaxRetries, 'limits.modelMaxRetries', 0, 20) ?? DEFAULT_LIMITS.modelMaxRetries,
  };
}
