import { INSIDE, SANDBOX_UID } from './rootfs.ts';

export type BwrapLayout = {
  /** From `systemDirArgs()`: /usr and friends, read-only. */
  system: string[];
  /** The generated /etc. */
  etc: string;
  /** Paddock's `harnesses/` and `node_modules/`, read-only: the runtime's code and its dependencies. */
  harnesses: string;
  nodeModules: string;
  /** Node's install prefix, read-only, for the programs the agent runs. */
  nodePrefix: string;
  /** The execute-only Node the runtime itself runs on. */
  runtimeNode: string;
  /** A harness definition that does not live in `harnesses/`. */
  harnessFile?: string | undefined;
  workspace: string;
  /** Size of the private /tmp (a tmpfs): the sandbox's memory limit, so it cannot fill the host's memory. */
  tmpBytes: number;
  /** Host directory that appears read-only at /run/paddock, holding the egress socket directory's mount point. */
  run: string;
  /** The directory of the egress proxy's socket, which holds nothing else. */
  egressDir?: string | undefined;
};

/**
 * bubblewrap arguments for one local sandbox. Every namespace is its own (user, PID, IPC,
 * UTS, mount, network, cgroup); the sandbox's single user is uid 1000 mapped to the
 * unprivileged host uid bwrap runs as, with every capability dropped, no_new_privs
 * (bubblewrap always sets it) and no further user namespaces. The root is an empty
 * tmpfs with only what the runtime needs, read-only: system directories, a generated
 * /etc, Paddock's harness code, Node. Writable: the workspace and a private /tmp. The
 * network namespace has only loopback; the egress proxy's socket is the one way out,
 * and the runtime accepts the platform's connections on a socket the driver bound
 * outside the sandbox.
 *
 * No --new-session: the driver starts bwrap in a session of its own without a
 * terminal, and keeping the sandbox in that process group lets one signal stop it all.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const uid = String(SANDBOX_UID);
  return [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    uid,
    '--gid',
    uid,
    '--disable-userns',
    '--cap-drop',
    'ALL',
    '--die-with-parent',
    '--hostname',
    'paddock-sandbox',
    ...layout.system,
    '--ro-bind',
    layout.etc,
    '/etc',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(layout.tmpBytes),
    '--tmpfs',
    '/tmp',
    '--ro-bind',
    layout.harnesses,
    `${INSIDE.code}/harnesses`,
    '--ro-bind',
    layout.nodeModules,
    `${INSIDE.code}/node_modules`,
    '--ro-bind',
    layout.runtimeNode,
    INSIDE.runtimeNode,
    '--ro-bind',
    layout.nodePrefix,
    INSIDE.node,
    ...(layout.harnessFile ? ['--ro-bind', layout.harnessFile, INSIDE.harnessFile] : []),
    '--bind',
    layout.workspace,
    INSIDE.workspace,
    '--ro-bind',
    layout.run,
    INSIDE.run,
    ...(layout.egressDir ? ['--ro-bind', layout.egressDir, INSIDE.egressDir] : []),
    '--chdir',
    INSIDE.workspace,
  ];
}
