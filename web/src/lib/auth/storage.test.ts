import { afterEach, describe, expect, it } from 'vitest';
import { checkKeyFormat, clearApiKey, readApiKey, writeApiKey } from './storage.ts';

const KEY = 'pdk_0123456789abcdefghijABCDEFGHIJ0123456789';

describe('API key storage', () => {
  afterEach(() => {
    window.sessionStorage.clear();
    window.localStorage.clear();
  });

  it('keeps the key in sessionStorage and never in localStorage', () => {
    writeApiKey(KEY);
    expect(window.sessionStorage.getItem('paddock.apiKey')).toBe(KEY);
    expect(window.localStorage.length).toBe(0);
    expect(readApiKey()).toBe(KEY);
  });

  it('forgets the key on sign-out', () => {
    writeApiKey(KEY);
    clearApiKey();
    expect(readApiKey()).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
  });

  it('ignores a stored value that is not a Paddock key', () => {
    window.sessionStorage.setItem('paddock.apiKey', 'not-a-key');
    expect(readApiKey()).toBeNull();
  });

  it('explains what is wrong with a pasted key', () => {
    expect(checkKeyFormat('')).toMatch(/Paste an API key/);
    expect(checkKeyFormat('sk-123')).toMatch(/start with "pdk_"/);
    expect(checkKeyFormat('pdk_abc def ghi jkl mno pqr')).toMatch(/spaces/);
    expect(checkKeyFormat('pdk_short')).toMatch(/too short/);
    expect(checkKeyFormat(`  ${KEY}  `)).toBeNull();
  });
});
