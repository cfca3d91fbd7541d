import type { ExecRequest, ExecResult } from '../api.ts';
import type { App } from '../app.ts';
import { readJson } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';
import { runCommand } from '../process/run-command.ts';
import { baseCommandEnv } from '../session/session.ts';
import { z } from 'zod';
import { intRange, parseRequest, text, withDefault } from '../validate.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 10 * 60_000;
/** Per stream; the rest is dropped and `truncated` is set. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

const execSchema = z.object({
  command: text({ nonEmpty: true, maxLength: 256 * 1024 }),
  timeoutMs: withDefault(intRange(1, MAX_TIMEOUT_MS), DEFAULT_TIMEOUT_MS),
}) satisfies z.ZodType<Required<ExecRequest>, unknown>;

export function execRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/exec$/,
      auth: true,
      handle: async ({ req, res }) => {
        const { command, timeoutMs } = parseRequest(execSchema, await readJson(req));
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
