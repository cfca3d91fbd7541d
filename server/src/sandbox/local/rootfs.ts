import { chmod, copyFile, cp, lstat, mkdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The sandbox's own user: uid and gid inside its user namespace. */
export const SANDBOX_UID = 1000;

/** Where things appear inside a local sandbox. */
export const INSIDE = {
  workspace: '/workspace',
  run: '/run/paddock',
  /** The egress proxy socket's directory: bound whole, so a restarted worker's new socket is seen at once. */
  egressDir: '/run/paddock/egress',
  code: '/opt/paddock',
  harnessFile: '/opt/paddock/harness.yaml',
  node: '/opt/node',
  runtimeNode: '/opt/paddock/runtime-node',
} as const;

/** Top-level host directories a sandbox gets read-only (or as the same symlink, on merged-/usr hosts). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** bubblewrap arguments that reproduce the host's system directories read-only. */
export async function systemDirArgs(): Promise<string[]> {
  const args: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const info = await lstat(dir).catch(() => null);
    if (!info) continue;
    if (info.isSymbolicLink()) args.push('--symlink', await readlink(dir), dir);
    else if (info.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

const PASSWD = `root:x:0:0:root:/nonexistent:/usr/sbin/nologin
paddock:x:${SANDBOX_UID}:${SANDBOX_UID}:Paddock sandbox:${INSIDE.workspace}:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP = `root:x:0:
paddock:x:${SANDBOX_UID}:
nogroup:x:65534:
`;
const HOSTS = `127.0.0.1 localhost paddock-sandbox
::1 localhost ip6-localhost ip6-loopback
`;
// No resolver is reachable from inside: the egress proxy resolves names for the sandbox.
const RESOLV = `# Names are resolved by Paddock's egress proxy (HTTP_PROXY); this sandbox has no DNS of its own.
options ndots:0
`;
const NSSWITCH = `passwd: files
group: files
hosts: files dns
`;

/** Host files copied as they are: harmless, and without them common tools misbehave. */
const COPIED = ['/etc/ssl/certs/ca-certificates.crt', '/etc/ld.so.cache', '/etc/ssl/openssl.cnf', '/etc/localtime'];

/**
 * Builds the `/etc` every local sandbox gets, in place of the host's: its own passwd and
 * group, hosts, resolv.conf, the CA bundle, and `alternatives` (the links many
 * /usr/bin tools go through on Debian). Built beside and renamed into place, so a
 * sandbox starting meanwhile sees the old one whole.
 */
export async function writeSandboxEtc(dir: string): Promise<void> {
  const next = `${dir}.next-${process.pid}`;
  await rm(next, { recursive: true, force: true });
  await mkdir(path.join(next, 'ssl/certs'), { recursive: true, mode: 0o755 });
  await writeFile(path.join(next, 'passwd'), PASSWD, { mode: 0o644 });
  await writeFile(path.join(next, 'group'), GROUP, { mode: 0o644 });
  await writeFile(path.join(next, 'hosts'), HOSTS, { mode: 0o644 });
  await writeFile(path.join(next, 'hostname'), 'paddock-sandbox\n', { mode: 0o644 });
  await writeFile(path.join(next, 'resolv.conf'), RESOLV, { mode: 0o644 });
  await writeFile(path.join(next, 'nsswitch.conf'), NSSWITCH, { mode: 0o644 });
  for (const file of COPIED) {
    if (!existsSync(file)) continue;
    await mkdir(path.join(next, path.dirname(path.relative('/etc', file))), { recursive: true, mode: 0o755 });
    await copyFile(file, path.join(next, path.relative('/etc', file)));
    await chmod(path.join(next, path.relative('/etc', file)), 0o644);
  }
  if (existsSync('/etc/alternatives')) await cp('/etc/alternatives', path.join(next, 'alternatives'), { recursive: true, verbatimSymlinks: true });
  await rm(dir, { recursive: true, force: true });
  await rename(next, dir);
}

/**
 * An execute-only copy of Node for the runtime. The kernel makes a process whose
 * program its user cannot read non-dumpable, owned by the initial user namespace: the
 * agent's commands, running as the same uid, can then neither ptrace the runtime nor
 * read its /proc/<pid>/mem or environ, where its token lives.
 */
export async function writeRuntimeNode(file: string, source = process.execPath): Promise<void> {
  const [want, have] = await Promise.all([stat(source), stat(file).catch(() => null)]);
  if (have && have.size === want.size && have.mtimeMs >= want.mtimeMs && (have.mode & 0o777) === 0o111) return;
  const next = `${file}.next-${process.pid}`;
  await copyFile(source, next);
  await chmod(next, 0o111);
  await rename(next, file);
}
