import type { ToolAction, ToolRule } from '../api.ts';
import type { MatchedRule } from '@paddock/events';

/**
 * Glob as the tool policy uses it: `*` is any run of characters (slashes and spaces
 * included, since shell commands have both), `?` is one character, all else literal.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function globMatches(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}

/** The shell command a call runs, when it is a shell tool (`run_command`, Claude Code's `Bash`, ...). */
export function commandOf(input: Record<string, unknown>): string | undefined {
  const { command, cmd } = input as { command?: unknown; cmd?: unknown };
  if (typeof command === 'string') return command;
  if (typeof cmd === 'string') return cmd;
  if (Array.isArray(command) && command.every((part) => typeof part === 'string')) return command.join(' ');
  return undefined;
}

export interface PolicyDecision {
  action: ToolAction;
  /** Null when no rule matched and the default (`ALLOW`) applied. */
  rule: MatchedRule | null;
}

/** First matching rule wins; no match allows the call. */
export function decide(policy: readonly ToolRule[], name: string, input: Record<string, unknown>): PolicyDecision {
  for (const [index, rule] of policy.entries()) {
    if (!globMatches(rule.tool, name)) continue;
    if (rule.commandPattern) {
      const command = commandOf(input);
      if (command === undefined || !globMatches(rule.commandPattern, command.trim())) continue;
    }
    return { action: rule.action, rule: { index, tool: rule.tool, commandPattern: rule.commandPattern ?? null, action: rule.action } };
  }
  return { action: 'ALLOW', rule: null };
}

export function describeRule(rule: MatchedRule): string {
  return `rule ${rule.index + 1} (tool "${rule.tool}"${rule.commandPattern ? `, command "${rule.commandPattern}"` : ''}: ${rule.action})`;
}
