import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../server', import.meta.url));

export type Paddock = {
  url: string;
  adminKey: string;
  /** The file the admin key is read from, under the instance's PADDOCK_DATA_DIR. */
  adminKeyPath: string;
  logs: () => string;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An admin key of the operator's own making: any 24+ characters, not Paddock's `pdk_` form. */
function generateKey(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return `e2e-admin-${[...randomBytes(40)].map((b) => alphabet[b % 62]).join('')}`;
}

/**
 * Starts a real Paddock on a free port with its own data directory and admin key,
 * and waits for /readyz. Everything it starts is stopped by `stop()`. The admin key is
 * placed in `$PADDOCK_DATA_DIR/admin-key`, where Paddock reads it (as it would after
 * generating it), so the sign-in hint and the startup banner name that file.
 */
export async function startPaddock(opts: { tokensPerSecond?: number } = {}): Promise<Paddock> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-e2e-'));
  const adminKey = generateKey();
  const adminKeyPath = path.join(dataDir, 'admin-key');
  await writeFile(adminKeyPath, `${adminKey}\n`, { mode: 0o600 });
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  // Hermetic: the embedded database and the offline mock model, whatever this shell has set.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'LITELLM_API_BASE', 'LITELLM_API_KEY', 'PADDOCK_SANDBOX_DRIVER', 'HOST', 'PADDOCK_ADMIN_KEY']) delete env[name];
  const child: ChildProcess = spawn(path.join(serverDir, 'node_modules/.bin/tsx'), ['src/bin/start.ts'], {
    cwd: serverDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PORT: String(port),
      PADDOCK_DATA_DIR: dataDir,
      PADDOCK_MOCK_TOKENS_PER_SECOND: String(opts.tokensPerSecond ?? 40),
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const deadline = Date.now() + 20_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`Paddock exited before it was ready:\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Paddock was not ready within 180 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, adminKey, adminKeyPath, logs: () => output, stop };
}
