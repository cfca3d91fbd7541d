/**
 * Splits text into stream tokens: each token is one word plus the whitespace after it,
 * so concatenating the tokens gives back the text exactly.
 */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

/** A deterministic stand-in for a tokenizer's count: whitespace-separated words. */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const space = code === 32 || (code >= 9 && code <= 13);
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Cuts a tool call's JSON arguments into small pieces, the way OpenAI streams them. */
export function chunkArguments(json: string, size = 12): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += size) pieces.push(json.slice(i, i + size));
  return pieces.length > 0 ? pieces : [''];
}

/** Prompt size for usage: words of every message and of every tool call's arguments. */
export function countPromptTokens(messages: ReadonlyArray<{ content: string; toolCalls: ReadonlyArray<{ arguments: string }> }>): number {
  let total = 0;
  for (const m of messages) {
    total += countWords(m.content);
    for (const call of m.toolCalls) total += countWords(call.arguments);
  }
  return total;
}
