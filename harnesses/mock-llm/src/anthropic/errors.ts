import type { ServerResponse } from 'node:http';
import { sendJson } from '../errors.ts';

/** The Messages API's error types by HTTP status. */
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
};

/** Anthropic's error envelope, so Anthropic clients report our failures properly. */
export function sendAnthropicError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { type: 'error', error: { type: TYPES[status] ?? 'api_error', message } });
}
