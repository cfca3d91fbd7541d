import { execFile } from 'node:child_process';
import { chmod, open, readFile, rmdir, stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Mount options of a workspace: no device files or set-uid programs from the sandbox's own disk. */
const MOUNT_OPTIONS = 'loop,nosuid,nodev';

/**
 * Why a size-limited workspace cannot be made here, or null. It is an ext4 image mounted
 * over a loop device: the one limit that holds whatever the host's file system, but only
 * root may mount.
 */
export async function diskQuotaProblem(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'mounting a workspace image needs Paddock to run as root';
  for (const tool of ['mkfs.ext4', 'mount', 'umount']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      return `${tool} is not installed (apt-get install e2fsprogs mount)`;
    }
  }
  try {
    await stat('/dev/loop-control');
  } catch {
    return 'there are no loop devices (/dev/loop-control is missing)';
  }
  return null;
}

/** True when something is mounted on `dir` (as /proc/self/mountinfo writes it). */
export async function isMounted(dir: string): Promise<boolean> {
  const escaped = dir.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  return mounts.split('\n').some((line) => line.split(' ')[4] === escaped);
}

/**
 * Mounts a workspace of `bytes` on `dir`, owned by `uid`: the image `image`, made sparse
 * (it takes host disk only as the sandbox writes) the first time, kept across suspends.
 */
export async function mountWorkspace(opts: { image: string; dir: string; bytes: number; uid: number | undefined }): Promise<void> {
  if (await isMounted(opts.dir)) return;
  let fresh = false;
  try {
    await stat(opts.image);
  } catch {
    const file = await open(opts.image, 'wx', 0o600);
    await file.truncate(opts.bytes);
    await file.close();
    const owner = opts.uid ?? process.getuid?.() ?? 0;
    // No blocks reserved for root: the sandbox gets the whole size.
    await run('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', `root_owner=${owner}:${owner}`, opts.image]);
    fresh = true;
  }
  await run('mount', ['-o', MOUNT_OPTIONS, opts.image, opts.dir]);
  await chmod(opts.dir, 0o700);
  if (fresh) await rmdir(`${opts.dir}/lost+found`).catch(() => undefined);
}

/** Unmounts a workspace mounted by `mountWorkspace`, if it is. */
export async function unmountWorkspace(dir: string): Promise<void> {
  if (!(await isMounted(dir))) return;
  // Lazy: a process of the sandbox still dying must not keep it mounted.
  await run('umount', ['-l', dir]);
}
