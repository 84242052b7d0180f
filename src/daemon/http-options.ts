/** The HTTP listener's options and limits (http-server.ts). */
import type { OperationKind, StatusSnapshot } from '../protocol/index.js';
import { HotctlError } from '../protocol/index.js';
import type { ReadyReport } from '../cluster/readiness.js';
import { isLoopback } from './http-access.js';
import type { ConnectionCap } from './connection-cap.js';
import type { Subscribe } from './ws-feed.js';

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 9716;
/** The largest request body read (and discarded: actions take none). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The largest request head (request line and headers) read; more is answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
export const HTTP_ACTIONS = ['reload', 'restart', 'stop'] as const satisfies readonly OperationKind[];
export type HttpAction = (typeof HTTP_ACTIONS)[number];
/** close() waits this long for ws clients and requests in flight before it cuts them. */
export const CLOSE_GRACE_MS = 1000;

export interface HttpServerOptions {
  /** Default 127.0.0.1. Anything but a loopback address is refused unless `allowRemote`. */
  host: string;
  /** Default 9716; 0 picks a free port (tests). */
  port: number;
  /** Allows binding a non-loopback host (and then any Host header). */
  allowRemote?: boolean;
  /** Actions need `Authorization: Bearer <token>`; with null, no action is possible over HTTP at all. */
  token: string | null;
  status(): StatusSnapshot;
  metricsText(): string;
  history(): unknown;
  ready(): ReadyReport;
  /**
   * Sends the daemon's events of these topics to `send` until the returned function is called.
   * The listener sends the first status snapshot itself; this need not.
   */
  subscribe: Subscribe;
  act?(method: HttpAction, name: string): Promise<unknown>;
  /** Keeps the listener's connections under its share of the fds (oldest closed first). */
  connectionCap?: ConnectionCap;
  /** Where the dashboard's files are (default src/dashboard/public/). */
  assetsDir?: string;
  log?(line: string): void;
}

/** Refuses a non-loopback host unless allowed, and an empty token. */
export function checkListenerOptions(o: Pick<HttpServerOptions, 'host' | 'allowRemote' | 'token'>): void {
  if (!isLoopback(o.host) && o.allowRemote !== true) {
    throw new HotctlError('E_USAGE', `Refusing to serve the dashboard and /metrics on ${o.host}: only loopback is allowed by default.`, {
      hint: 'Bind 127.0.0.1 (the default), or set the option that allows a remote listener, knowing that anyone who reaches it sees your apps.',
      details: { host: o.host },
    });
  }
  if (o.token !== null && o.token.length === 0) throw new HotctlError('E_USAGE', 'The HTTP token must not be empty.', { hint: 'Set a long random token, or none to disable actions over HTTP.' });
}
