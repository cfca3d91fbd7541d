import type { HarnessAdapter } from './adapter.ts';
import { createChatAdapter } from './chat/chat-adapter.ts';

/** One entry per harness; adding `claude-code` or `codex` means adding one file and one line. */
const factories: Record<string, () => HarnessAdapter> = {
  chat: createChatAdapter,
};

export const harnessNames = (): string[] => Object.keys(factories);

export function createAdapter(name: string): HarnessAdapter {
  const factory = factories[name];
  if (!factory) {
    throw new Error(`Unknown harness "${name}" (PADDOCK_HARNESS). Known harnesses: ${harnessNames().join(', ')}.`);
  }
  return factory();
}
