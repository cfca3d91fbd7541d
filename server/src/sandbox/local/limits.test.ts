import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { loadHarnesses } from '../../harnesses/loader.ts';
import { parseQuantity, rlimitCommands, sandboxLimits } from './limits.ts';

describe('local sandbox limits', () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity(1.5)).toBe(1.5);
    expect(parseQuantity('512Mi')).toBe(512 * 1024 ** 2);
    expect(parseQuantity('1Gi')).toBe(1024 ** 3);
    expect(parseQuantity('500M')).toBe(500e6);
    expect(() => parseQuantity('lots')).toThrow(/not a Kubernetes quantity/);
  });

  it('takes the numbers the Kubernetes pod gets from the harness definition', async () => {
    const chat = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;
    expect(sandboxLimits(chat, 512)).toEqual({ memoryBytes: 1024 ** 3, cpu: 1, cpuRequest: 0.25, pids: 512 });
    expect(sandboxLimits({ ...chat, resources: {} }, 100)).toEqual({ memoryBytes: 1024 ** 3, cpu: 1, cpuRequest: 1, pids: 100 });
    expect(sandboxLimits({ ...chat, resources: { requests: { memory: '256Mi', cpu: '500m' } } }, 100)).toMatchObject({
      memoryBytes: 256 * 1024 ** 2,
      cpu: 0.5,
    });
  });

  it('falls back to rlimits that let Node start, and limits processes only with a uid of the sandbox own', () => {
    const limits = { memoryBytes: 256 * 1024 ** 2, cpu: 1, cpuRequest: 1, pids: 64 };
    expect(rlimitCommands(limits, false)).toBe('ulimit -d 1048576');
    expect(rlimitCommands({ ...limits, memoryBytes: 2 * 1024 ** 3 }, true)).toBe('ulimit -d 2097152 && ulimit -u 64');
  });
});
