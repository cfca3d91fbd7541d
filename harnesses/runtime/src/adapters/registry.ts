import type { RuntimeHarness } from '../harness/definition.ts';
import type { HarnessAdapter } from './adapter.ts';
import { createChatAdapter } from './chat/chat-adapter.ts';
import { claudeCodeProtocol } from './claude-code/protocol.ts';
import { createCliAdapter, type CliAdapterOptions } from './cli/cli-adapter.ts';
import { createCodexAdapter } from './codex/codex-adapter.ts';

/**
 * One entry per adapter. A command-line agent is a protocol (its arguments and output
 * format) on the shared CLI runner; which program runs, and how it reaches the gateway,
 * comes from the harness definition's `cli` block.
 */
const factories: Record<string, (options: CliAdapterOptions) => HarnessAdapter> = {
  chat: () => createChatAdapter(),
  'claude-code': (options) => createCliAdapter(claudeCodeProtocol, options),
  codex: (options) => createCodexAdapter(options),
};

export const harnessNames = (): string[] => Object.keys(factories);

/** The adapter for a definition (or a bare adapter name, which needs no `cli` block only for `chat`). */
export function createAdapter(harness: string | RuntimeHarness, stateDir = ''): HarnessAdapter {
  const definition = typeof harness === 'string' ? { name: harness, adapter: harness } : harness;
  const factory = factories[definition.adapter];
  if (!factory) {
    throw new Error(`Unknown harness "${definition.adapter}" (PADDOCK_HARNESS). Known harnesses: ${harnessNames().join(', ')}.`);
  }
  return factory({ definition, stateDir });
}
