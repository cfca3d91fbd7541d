import type { ServerResponse } from 'node:http';

/** OpenAI's error envelope, so clients written against the real API parse our failures too. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAiError(message: string, type: string, code: string | null = null): OpenAiErrorBody {
  return { error: { message, type, param: null, code } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null): void {
  sendJson(res, status, openAiError(message, type, code));
}

/** A failure the conversation scripted (`/fail`), as the OpenAI APIs report one. */
export function sendScriptedFailure(res: ServerResponse, failure: { status: number; message: string }): void {
  sendError(res, failure.status, failure.message, failure.status >= 500 ? 'server_error' : 'invalid_request_error', 'mock_failure');
}

/** Thrown while reading or validating a request; the server turns it into an HTTP error. */
export class RequestError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  constructor(status: number, message: string, type = 'invalid_request_error', code: string | null = null) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }
}
