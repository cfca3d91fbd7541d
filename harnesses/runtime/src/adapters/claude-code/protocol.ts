import type { CliProtocol, CliRun } from '../cli/protocol.ts';
import { ClaudeStreamTranslator } from './stream-json.ts';

/**
 * Claude Code in headless streaming mode: stream-json in and out, with partial messages
 * so text and thinking arrive token by token. One run per turn; `--resume` continues it.
 */
export const claudeCodeProtocol: CliProtocol = {
  args: (run: CliRun) => [
    '--print',
    '--verbose',
    '--output-format',
    'stream-json',
    '--input-format',
    'stream-json',
    '--include-partial-messages',
    '--model',
    run.model,
    ...(run.systemPrompt !== '' ? ['--append-system-prompt', run.systemPrompt] : []),
    ...(run.resumeId ? ['--resume', run.resumeId] : []),
    ...run.extraArgs,
  ],
  // One user message; closing stdin afterwards makes Claude Code exit when the turn is done.
  stdin: (run: CliRun) => `${JSON.stringify({ type: 'user', message: { role: 'user', content: run.prompt }, parent_tool_use_id: null })}\n`,
  translator: (sink) => new ClaudeStreamTranslator(sink),
};
