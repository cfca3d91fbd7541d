/** The tools the chat harness offers the model, as OpenAI function definitions. */

const fn = (name: string, description: string, properties: Record<string, { type: string; description: string }>, required: string[]) => ({
  type: 'function' as const,
  function: {
    name,
    description,
    parameters: { type: 'object', properties, required, additionalProperties: false },
  },
});

export const TOOL_DEFINITIONS = [
  fn(
    'run_command',
    'Run a shell command (/bin/sh -c) in the workspace and return its output and exit code.',
    { command: { type: 'string', description: 'The shell command to run.' } },
    ['command'],
  ),
  fn('read_file', 'Read a text file in the workspace.', { path: { type: 'string', description: 'File path, relative to the workspace.' } }, ['path']),
  fn(
    'write_file',
    'Create or overwrite a text file in the workspace, creating parent directories.',
    {
      path: { type: 'string', description: 'File path, relative to the workspace.' },
      content: { type: 'string', description: 'The full new content of the file.' },
    },
    ['path', 'content'],
  ),
  fn(
    'list_files',
    'List the entries of a directory in the workspace.',
    { path: { type: 'string', description: 'Directory path, relative to the workspace (default ".").' } },
    [],
  ),
];

export type ToolName = 'run_command' | 'read_file' | 'write_file' | 'list_files';
