/**
 * The shape of an entry of the error registry (src/protocol/errors.ts), and the codes of the
 * daemon's HTTP listener's own refusals (the body's `reason` names them too: see
 * src/daemon/http-server.ts). Kept here so that errors.ts stays one screenful of codes.
 */
import type { ExitCodeName } from './exit-codes.js';

/**
 * The HTTP statuses an error may be answered with on the daemon's HTTP listener (the JSON body is
 * `{ error: ErrorPayload }`, plus `reason` for the listener's own refusals).
 */
export type HttpStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 431 | 500 | 503;

export interface ErrorEntry {
  readonly message: string;
  readonly hint: string;
  readonly exit: ExitCodeName;
  /** The HTTP status this error is answered with over the HTTP listener. */
  readonly http: HttpStatus;
}

/** code → default message, hint, exit code, HTTP status: the listener's refusals, before a request reaches the daemon. */
export const HTTP_ERROR_CODES = {
  E_HTTP_NOT_FOUND: {
    message: 'Nothing here.',
    hint: 'See /, /metrics, /healthz, /readyz, /api/status, /api/history, /ws.',
    exit: 'usage',
    http: 404,
  },
  E_HTTP_METHOD_NOT_ALLOWED: {
    message: 'This path does not take that method.',
    hint: 'The Allow header lists the methods it takes.',
    exit: 'usage',
    http: 405,
  },
  E_HTTP_HOST_NOT_ALLOWED: {
    message: 'The Host header does not name this listener.',
    hint: 'Open the dashboard at http://127.0.0.1:<port>/ or http://localhost:<port>/.',
    exit: 'usage',
    http: 403,
  },
  E_HTTP_ORIGIN_NOT_ALLOWED: {
    message: 'A WebSocket from another origin is refused.',
    hint: 'Only the dashboard page served by this listener may open /ws.',
    exit: 'usage',
    http: 403,
  },
  E_HTTP_ACTIONS_DISABLED: {
    message: 'Actions are not possible over HTTP: no token is configured.',
    hint: 'Use the CLI (it talks to the unix socket), or configure a token for the HTTP listener.',
    exit: 'usage',
    http: 403,
  },
  E_HTTP_TOKEN_REQUIRED: {
    message: 'This action needs the token.',
    hint: 'Send it as `Authorization: Bearer <token>`.',
    exit: 'usage',
    http: 401,
  },
  E_HTTP_TOKEN_INVALID: {
    message: 'Wrong token.',
    hint: 'Send the token the daemon was configured with.',
    exit: 'usage',
    http: 403,
  },
  E_HTTP_BODY_TOO_LARGE: {
    message: 'The request body is larger than the HTTP listener reads.',
    hint: 'Actions take no body.',
    exit: 'usage',
    http: 413,
  },
  E_HTTP_TOO_MANY_ATTEMPTS: {
    message: 'Too many wrong tokens from this address.',
    hint: 'Wait for the time in Retry-After, then send the right token.',
    exit: 'usage',
    http: 429,
  },
  E_HTTP_HEADERS_TOO_LARGE: {
    message: "The request's headers are larger than the HTTP listener reads.",
    hint: 'Send smaller headers (cookies of other sites on localhost count).',
    exit: 'usage',
    http: 431,
  },
} as const satisfies Record<`E_HTTP_${string}`, ErrorEntry>;
