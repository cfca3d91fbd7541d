import { truncateText } from '../../process/capped-output.ts';
import { runCommand } from '../../process/run-command.ts';
import { listDirectory, readText, writeText } from '../../workspace/files.ts';
import { relativeToWorkspace, resolveInWorkspace } from '../../workspace/paths.ts';

export interface ToolEnvironment {
  workspace: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  maxOutputBytes: number;
  network: 'host' | 'none';
  memoryLimitBytes: number | undefined;
  signal: AbortSignal;
}

export interface ToolOutput {
  output: string;
  isError: boolean;
}

const fail = (output: string): ToolOutput => ({ output, isError: true });

class ToolInputError extends Error {}

function stringArg(input: Record<string, unknown>, name: string, fallback?: string): string {
  const value = input[name] ?? fallback;
  if (typeof value !== 'string') throw new ToolInputError(`The "${name}" argument must be a string.`);
  return value;
}

async function runCommandTool(input: Record<string, unknown>, tools: ToolEnvironment): Promise<ToolOutput> {
  const result = await runCommand({
    command: stringArg(input, 'command'),
    cwd: tools.workspace,
    env: tools.env,
    timeoutMs: tools.timeoutMs,
    maxOutputBytes: tools.maxOutputBytes,
    network: tools.network,
    memoryLimitBytes: tools.memoryLimitBytes,
    signal: tools.signal,
  });
  let output = result.stdout;
  if (result.stderr !== '') output += `${output === '' || output.endsWith('\n') ? '' : '\n'}[stderr]\n${result.stderr}`;
  if (result.timedOut) output += `\n[timed out after ${tools.timeoutMs} ms]`;
  else if (result.cancelled) output += '\n[cancelled]';
  else if (result.exitCode !== 0) output += `\n[exit code ${result.exitCode}]`;
  return { output, isError: result.exitCode !== 0 || result.timedOut || result.cancelled };
}

async function fileTool(name: string, input: Record<string, unknown>, tools: ToolEnvironment): Promise<ToolOutput> {
  const requested = stringArg(input, 'path', name === 'list_files' ? '.' : undefined);
  const target = await resolveInWorkspace(tools.workspace, requested);
  const shown = relativeToWorkspace(tools.workspace, target);
  if (name === 'read_file') return { output: await readText(target, shown), isError: false };
  if (name === 'write_file') {
    const bytes = await writeText(tools.workspace, target, shown, stringArg(input, 'content'));
    return { output: `Wrote ${bytes} bytes to ${shown}.`, isError: false };
  }
  const entries = await listDirectory(target, shown);
  const lines = entries.map((e) => (e.type === 'directory' ? `${e.name}/` : `${e.name} (${e.size} bytes)`));
  return { output: lines.length > 0 ? lines.join('\n') : `${shown} is empty.`, isError: false };
}

/** Runs one tool call; failures become error output for the model, never exceptions (except cancellation). */
export async function executeTool(name: string, input: Record<string, unknown>, tools: ToolEnvironment): Promise<ToolOutput> {
  let result: ToolOutput;
  try {
    switch (name) {
      case 'run_command':
        result = await runCommandTool(input, tools);
        break;
      case 'read_file':
      case 'write_file':
      case 'list_files':
        result = await fileTool(name, input, tools);
        break;
      default:
        result = fail(`Unknown tool "${name}". Available tools: run_command, read_file, write_file, list_files.`);
    }
  } catch (error) {
    // Bad arguments, paths outside the workspace, missing files: the model can correct course.
    result = fail(`Error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { output: truncateText(result.output, tools.maxOutputBytes), isError: result.isError };
}
