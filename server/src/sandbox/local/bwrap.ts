/**
 * bubblewrap arguments for one local sandbox: the host filesystem read-only, the
 * platform's data dir (keys, database) hidden, a private /tmp, only the workspace
 * writable, and its own PID, IPC and UTS namespaces. The network stays shared so the
 * platform can reach the runtime's port on loopback. No --new-session: the driver
 * already starts bwrap in a session of its own without a terminal, and keeping the
 * runtime in bwrap's process group lets one group signal stop the whole tree.
 */
export function bwrapArgs({ workspace, hide }: { workspace: string; hide: string[] }): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    ...hide.flatMap((dir) => ['--tmpfs', dir]),
    '--bind', workspace, workspace,
    '--chdir', workspace,
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname', 'paddock-sandbox',
    '--die-with-parent',
  ];
}
