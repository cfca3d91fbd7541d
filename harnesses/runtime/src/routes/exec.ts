import type { ExecResult } from '../api.ts';
import type { App } from '../app.ts';
import { readJson } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';
import { runCommand } from '../process/run-command.ts';
import { baseCommandEnv } from '../session/session.ts';
import { object, optionalInt, string } from '../validate.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 10 * 60_000;
/** Per stream; the rest is dropped and `truncated` is set. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export function execRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/exec$/,
      auth: true,
      handle: async ({ req, res }) => {
        const body = object(await readJson(req), 'The request body');
        const command = string(body.command, 'command', { nonEmpty: true, maxLength: 256 * 1024 });
        const timeoutMs = optionalInt(body.timeoutMs, 'timeoutMs', 1, MAX_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS;
        const abort = new AbortController();
        // A caller that hangs up does not want the command any more.
        res.on('close', () => {
          if (!res.writableFinished) abort.abort();
        });
        app.execs.add(abort);
        const started = performance.now();
        try {
          const result = await runCommand({
            command,
            cwd: app.workspace,
            env: app.session?.commandEnv ?? baseCommandEnv(app.processEnv),
            memoryLimitBytes: app.sandbox.memoryLimitBytes,
            timeoutMs,
            maxOutputBytes: MAX_OUTPUT_BYTES,
            network: app.session?.limits.commandNetwork ?? 'host',
            signal: abort.signal,
          });
          app.log.info({ exitCode: result.exitCode, timedOut: result.timedOut, ms: Math.round(performance.now() - started) }, 'exec finished');
          const response: ExecResult = {
            exitCode: result.exitCode,
            stdout: result.stdout,
            stderr: result.stderr,
            timedOut: result.timedOut,
            truncated: result.truncated,
          };
          sendJson(res, 200, response);
        } finally {
          app.execs.delete(abort);
        }
      },
    },
  ];
}
