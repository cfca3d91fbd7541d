import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Db } from '../db/index.ts';
import type { SecretBox } from '../secrets/index.ts';

const CA_YEARS = 10;
const LEAF_DAYS = 7;
/** Leaf certificates are reissued well before they expire. */
const LEAF_REISSUE_MS = 24 * 3_600_000;
const LEAF_CACHE_LIMIT = 2_000;

function rsaKeyPair(): { privateKey: string; publicKey: string } {
  // Native key generation: node-forge's pure-JS RSA takes seconds.
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** A positive serial number, as node-forge wants it: hex without a leading 1 bit. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

/** Creates a new certificate authority for this installation. */
export function createAuthority(): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + CA_YEARS * 365 * 86_400_000);
  const subject = [
    { name: 'commonName', value: 'Paddock egress CA' },
    { name: 'organizationName', value: 'Paddock' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey };
}

/**
 * The installation's CA, created on first use and kept in the database with its key
 * sealed by the secret key, so every worker and egress proxy replica shares it and
 * sandboxes keep trusting it across restarts.
 */
export async function loadAuthority(db: Db, secrets: SecretBox): Promise<CertificateAuthority> {
  let row = await db.egressAuthority.findUnique({ where: { id: 1 } });
  if (!row) {
    const created = createAuthority();
    // Concurrent first starts: one insert wins and everyone reads it back.
    await db.egressAuthority.createMany({ data: [{ id: 1, certPem: created.certPem, keyCipher: secrets.seal(created.keyPem) }], skipDuplicates: true });
    row = await db.egressAuthority.findUniqueOrThrow({ where: { id: 1 } });
  }
  return new CertificateAuthority(row.certPem, secrets.open(row.keyCipher));
}

/** Issues the certificates the egress proxy presents when it intercepts TLS to a host. */
export class CertificateAuthority {
  readonly certPem: string;
  readonly #cert: forge.pki.Certificate;
  readonly #key: forge.pki.rsa.PrivateKey;
  readonly #leafKey = rsaKeyPair();
  readonly #leaves = new Map<string, { context: tls.SecureContext; issuedAt: number }>();

  constructor(certPem: string, keyPem: string) {
    this.certPem = certPem;
    this.#cert = forge.pki.certificateFromPem(certPem);
    this.#key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  }

  /** A TLS context presenting a certificate for `host` (a name or an IP address), cached. */
  contextFor(host: string): tls.SecureContext {
    const name = host.toLowerCase();
    const cached = this.#leaves.get(name);
    if (cached && Date.now() - cached.issuedAt < LEAF_REISSUE_MS) return cached.context;
    const context = tls.createSecureContext(this.issue(name));
    if (this.#leaves.size >= LEAF_CACHE_LIMIT) this.#leaves.delete(this.#leaves.keys().next().value!);
    this.#leaves.set(name, { context, issuedAt: Date.now() });
    return context;
  }

  /** Key and certificate chain (leaf, then this CA) for `host`. */
  issue(host: string): { key: string; cert: string } {
    return { key: this.#leafKey.privateKey, cert: `${this.#leaf(host)}${this.certPem}` };
  }

  #leaf(host: string): string {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(this.#leafKey.publicKey);
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = new Date(Date.now() + LEAF_DAYS * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: host.slice(0, 64) }]);
    cert.setIssuer(this.#cert.subject.attributes);
    const altName = isIP(host) ? { type: 7, ip: host } : { type: 2, value: host };
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [altName] },
      { name: 'authorityKeyIdentifier', keyIdentifier: this.#cert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(this.#key, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}

/**
 * The CA bundle a sandbox's tools use: the public roots Node trusts plus Paddock's CA,
 * so tunnelled connections verify the real server and intercepted ones verify Paddock.
 */
export function sandboxCaBundle(caPem: string): string {
  return `${tls.rootCertificates.join('\n')}\n${caPem}`;
}

/** Where a sandbox finds Paddock's CA, as files to write into one directory. */
export const TRUST_FILES = { ca: 'egress-ca.pem', bundle: 'ca-bundle.pem' } as const;

export function trustFiles(caPem: string): Record<string, string> {
  return { [TRUST_FILES.ca]: caPem, [TRUST_FILES.bundle]: sandboxCaBundle(caPem) };
}

/** The variables that point every common TLS client at those files, in `dir` as the sandbox sees it. */
export function trustEnv(dir: string): Record<string, string> {
  const bundle = `${dir}/${TRUST_FILES.bundle}`;
  return {
    NODE_EXTRA_CA_CERTS: `${dir}/${TRUST_FILES.ca}`,
    SSL_CERT_FILE: bundle,
    REQUESTS_CA_BUNDLE: bundle,
    CURL_CA_BUNDLE: bundle,
    GIT_SSL_CAINFO: bundle,
  };
}
