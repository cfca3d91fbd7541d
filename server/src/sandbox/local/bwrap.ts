/**
 * bubblewrap arguments for one local sandbox: the host filesystem read-only, a private
 * /tmp, the platform's data dir (keys, database) hidden, only the workspace writable,
 * and its own PID, IPC and UTS namespaces. `expose` names directories that must stay
 * visible even where a private /tmp would cover them (Paddock's own code and Node, when
 * installed under /tmp). The network stays shared so the platform can reach the
 * runtime's port on loopback. No --new-session: the driver already starts bwrap in a
 * session of its own without a terminal, and keeping the runtime in bwrap's process
 * group lets one group signal stop the whole tree.
 *
 * Later mounts cover earlier ones, so the order is: private /tmp, exposed code, hidden
 * data, the workspace.
 */
export function bwrapArgs({ workspace, hide, expose, run }: { workspace: string; hide: string[]; expose: string[]; run?: string | undefined }): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    ...expose.flatMap((dir) => ['--ro-bind', dir, dir]),
    ...hide.flatMap((dir) => ['--tmpfs', dir]),
    '--bind', workspace, workspace,
    // Paddock's files for the sandbox (the egress CA) at /run/paddock, on a private /run.
    ...(run ? ['--tmpfs', '/run', '--ro-bind', run, '/run/paddock'] : []),
    '--chdir', workspace,
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname', 'paddock-sandbox',
    '--die-with-parent',
  ];
}
