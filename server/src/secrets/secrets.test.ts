import { mkdtemp, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSecretBox, parseSecretKey, SecretBox } from './index.ts';

describe('SecretBox', () => {
  it('round-trips and never stores the plaintext', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('sk-live-123');
    expect(sealed).not.toContain('sk-live-123');
    expect(box.open(sealed)).toBe('sk-live-123');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('rejects tampered ciphertext and a wrong key', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('value');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('parses hex and base64 keys and explains bad ones', () => {
    expect(parseSecretKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseSecretKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseSecretKey('short')).toThrow(/64 hex characters/);
  });

  it('generates a persistent key file with mode 0600', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-secrets-'));
    const first = await loadSecretBox(undefined, dir);
    const second = await loadSecretBox(undefined, dir);
    expect(second.open(first.seal('x'))).toBe('x');
    expect((await stat(path.join(dir, 'secret-key'))).mode & 0o777).toBe(0o600);
  });
});
