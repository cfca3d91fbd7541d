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

  it('ignores a blank stored value', () => {
    window.sessionStorage.setItem('paddock.apiKey', '  ');
    expect(readApiKey()).toBeNull();
  });

  it('keeps a key of any shape, since the server decides what is valid', () => {
    writeApiKey('my-own-admin-key-of-any-shape-1234');
    expect(readApiKey()).toBe('my-own-admin-key-of-any-shape-1234');
  });

  it('only refuses an empty key; the server judges the rest', () => {
    expect(checkKeyFormat('')).toMatch(/Paste an API key/);
    expect(checkKeyFormat('   ')).toMatch(/Paste an API key/);
    expect(checkKeyFormat('sk-123')).toBeNull();
    expect(checkKeyFormat('my-own-admin-key-of-any-shape-1234')).toBeNull();
    expect(checkKeyFormat(`  ${KEY}  `)).toBeNull();
  });
});
