const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL if it is absolute and uses a protocol that cannot run script; null otherwise.
 * Relative URLs are refused too: an agent's link must not point into the dashboard.
 */
export function safeHref(raw: string): string | null {
  const trimmed = raw.trim();
  // Control characters and whitespace can hide a "javascript:" scheme from naive checks.
  for (const c of trimmed) {
    const code = c.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f) return null;
  }
  try {
    const url = new URL(trimmed);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
