/**
 * Why the HTTP listener refused a request: `reason` in the JSON body
 * (`{ error: { code, reason, message, hint } }`) → its code in the error registry
 * (src/protocol/errors.ts), which holds the HTTP status, message and hint. Errors from the daemon
 * itself (an unknown app, an operation in progress) come as `{ error: ErrorPayload }`.
 */
import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../protocol/index.js';
import { ERROR_CODES } from '../protocol/index.js';
import { TOKEN_ATTEMPTS_PER_WINDOW, TOKEN_WINDOW_MS } from './attempt-limiter.js';
import { MAX_BODY_BYTES, MAX_HEADER_BYTES } from './http-options.js';
import { serialise } from './http-wire.js';

export const HTTP_REFUSALS = {
  not_found: 'E_HTTP_NOT_FOUND',
  method_not_allowed: 'E_HTTP_METHOD_NOT_ALLOWED',
  host_not_allowed: 'E_HTTP_HOST_NOT_ALLOWED',
  origin_not_allowed: 'E_HTTP_ORIGIN_NOT_ALLOWED',
  actions_disabled: 'E_HTTP_ACTIONS_DISABLED',
  token_required: 'E_HTTP_TOKEN_REQUIRED',
  token_invalid: 'E_HTTP_TOKEN_INVALID',
  body_too_large: 'E_HTTP_BODY_TOO_LARGE',
  too_many_attempts: 'E_HTTP_TOO_MANY_ATTEMPTS',
  headers_too_large: 'E_HTTP_HEADERS_TOO_LARGE',
  shutting_down: 'E_SHUTTING_DOWN',
} as const satisfies Record<string, ErrorCode>;
export type HttpRefusal = keyof typeof HTTP_REFUSALS;

/** The registry's message, made precise with this listener's limits. */
const REFUSAL_MESSAGES: Partial<Record<HttpRefusal, string>> = {
  body_too_large: `A request body may be at most ${MAX_BODY_BYTES} bytes.`,
  too_many_attempts: `More than ${TOKEN_ATTEMPTS_PER_WINDOW} wrong tokens from this address within ${TOKEN_WINDOW_MS / 1000} s.`,
  headers_too_large: `The request's headers are larger than ${MAX_HEADER_BYTES} bytes.`,
};

/** The status and JSON body of a refusal: the registry entry of its code, `reason` beside the code. */
export function refusal(reason: HttpRefusal): { status: number; body: { error: { code: ErrorCode; reason: HttpRefusal; message: string; hint: string } } } {
  const code = HTTP_REFUSALS[reason];
  const { http, message, hint } = ERROR_CODES[code];
  return { status: http, body: { error: { code, reason, message: REFUSAL_MESSAGES[reason] ?? message, hint } } };
}

/** A whole HTTP/1.1 refusal, for sockets that have no ServerResponse (upgrades, parse errors). */
export function rawRefusal(reason: HttpRefusal): string {
  const { status, body: payload } = refusal(reason);
  const body = serialise(payload);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
