import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Tls = { key: string; cert: string };

let cached: Tls | undefined;

/**
 * A throwaway self-signed certificate for 127.0.0.1, made once per process with the
 * openssl CLI: the fake API server speaks HTTPS like a real one, and clients trust it
 * through `certificate-authority-data`, so the TLS path of the client is exercised too.
 */
export function selfSignedTls(): Tls {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-fake-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=fake-kube-apiserver',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    cached = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
