/**
 * Where the dashboard keeps the API key it signs in with.
 *
 * sessionStorage, not localStorage, on purpose: an API key is a bearer credential with
 * the full rights of its role, so it should live no longer and travel no further than
 * needed. sessionStorage is scoped to this one tab and dropped when the tab closes, so
 * the key does not stay behind on a shared or borrowed machine, is not handed to every
 * other tab of the origin, and a stolen disk profile does not carry it for weeks.
 * (Script injection could still read it from either store, which is why the dashboard
 * never renders server or model text as raw HTML.)
 */
const STORAGE_KEY = 'paddock.apiKey';

export function readApiKey(storage: Storage = window.sessionStorage): string | null {
  try {
    const value = storage.getItem(STORAGE_KEY);
    return value && value.trim() !== '' ? value : null;
  } catch {
    return null;
  }
}

export function writeApiKey(key: string, storage: Storage = window.sessionStorage): void {
  storage.setItem(STORAGE_KEY, key);
}

export function clearApiKey(storage: Storage = window.sessionStorage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode quirks); there is nothing to clear then.
  }
}

/**
 * A person-readable problem with a pasted key, or null to send it to the server. Only
 * the server decides what a valid key is (`PADDOCK_ADMIN_KEY` can be any long string),
 * so the page only refuses an empty field.
 */
export function checkKeyFormat(raw: string): string | null {
  return raw.trim() === '' ? 'Paste an API key to sign in.' : null;
}
