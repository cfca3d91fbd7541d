/** Splits a POSIX shell word list (quotes and backslashes; no expansions); undefined when unbalanced. */
function words(command: string): string[] | undefined {
  const out: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const char = command[i]!;
    if (char === ' ' || char === '\t' || char === '\n') {
      if (word !== null) out.push(word);
      word = null;
    } else if (char === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      let text = '';
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '\\' && '"\\$`\n'.includes(command[j + 1] ?? '')) j++;
        text += command[j];
      }
      if (j >= command.length) return undefined;
      word = (word ?? '') + text;
      i = j;
    } else if (char === '\\' && i + 1 < command.length) {
      word = (word ?? '') + command[++i];
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== null) out.push(word);
  return out;
}

const SHELLS = new Set(['bash', 'sh', 'zsh']);

/**
 * The script of a command Codex shows wrapped in its shell (`/bin/bash -lc 'git push'` →
 * `git push`), which is what a policy's command pattern is written against; other
 * commands as they are.
 */
export function scriptOf(command: string): string {
  const parts = words(command.trim());
  if (parts?.length !== 3) return command;
  const [shell = '', flag = '', script = ''] = parts;
  const name = shell.slice(shell.lastIndexOf('/') + 1);
  return SHELLS.has(name) && /^-l?c$/.test(flag) ? script : command;
}
