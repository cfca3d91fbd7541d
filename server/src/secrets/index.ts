import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readOrCreateKeyFile } from './key-file.ts';

const VERSION = 'v1';

/** AES-256-GCM sealing of secret values stored at rest (agent env vars, sandbox tokens). */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('A secret key must be 32 bytes.');
    this.#key = key;
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('Unrecognised secret format.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

/**
 * `PADDOCK_SECRET_KEY` is 32 bytes as 64 hex characters or base64. Unset, a key is
 * generated once into the data dir, so secrets survive restarts.
 */
export function parseSecretKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error('PADDOCK_SECRET_KEY must be 32 bytes, as 64 hex characters or base64 (try `openssl rand -hex 32`).');
  }
  return key;
}

export async function loadSecretBox(secretKey: string | undefined, dataDir: string): Promise<SecretBox> {
  const value = secretKey ?? (await readOrCreateKeyFile(dataDir, 'secret-key', () => randomBytes(32).toString('hex'))).value;
  return new SecretBox(parseSecretKey(value));
}
