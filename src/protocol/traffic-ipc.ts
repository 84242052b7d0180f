/**
 * Messages between the primary's connection router (src/traffic/router.ts) and the worker's
 * side of it (src/traffic/worker-side.ts), over the cluster IPC channel.
 *
 * ```
 * worker ── listen {seq, query} ──────────────► primary   owns the socket: listens, or joins
 * worker ◄─ listen-reply {seq, routed, key…} ── primary   routed: false → node:cluster's own path
 * worker ◄─ conn {key} + raw handle ─────────── primary   one accepted connection; the primary
 *                                                         closes its copy once the message is written
 * worker ── decline {key} + raw handle ───────► primary   refused (server closed, maxConnections):
 *                                                         the primary routes it again
 * worker ── close {key} ──────────────────────► primary   the server closed: no more connections
 * ```
 * An accepted connection costs one message each way, as under node:cluster's round-robin minus its
 * per-connection ack: the worker's `NODE_HANDLE_ACK` (lib/internal/child_process.js sends one for
 * every message that carries a handle) is the only answer to a `conn` it takes.
 * The `cmd` starts with `NODE_`: Node delivers such messages as `'internalMessage'`
 * (lib/internal/child_process.js), never to the app's `process.on('message')`, and
 * node:cluster ignores every `cmd` but its own `NODE_CLUSTER`.
 */
import { RUNTIME_ENV } from './worker-ipc.js';

/** The `cmd` of every routing message. */
export const TRAFFIC_CMD = 'NODE_HOTCTL_TRAFFIC' as const;

/** The env variable ("1") that tells the runtime its primary routes its listens (one of RUNTIME_ENV). */
export const TRAFFIC_ENV = RUNTIME_ENV.traffic;

/** A listen the worker asks the primary for (the fields of lib/net.js `listenInCluster`'s query). */
export interface ListenQuery {
  /** The host (null: every address), or the absolute path of a unix socket. */
  address: string | null;
  /** The TCP port (0: any); -1 for a unix path. */
  port: number;
  addressType: number | string;
  /** The n-th server of this worker on the same address (as node:cluster's child.js counts them). */
  index: number;
  backlog?: number;
  /** libuv listen flags (UV_TCP_IPV6ONLY). */
  flags?: number;
  readableAll?: boolean;
  writableAll?: boolean;
  /** Server data shared by all workers of a socket (TLS session ticket keys): the first one's wins. */
  data: unknown;
}

/** Who asks: the worker's app, id and revision (from its env). */
export interface TrafficMember {
  app: string;
  workerId: number;
  revision: number;
}

/** The address the primary's socket listens on, as `getsockname` reports it (TCP only). */
export interface SockName {
  address: string;
  family: string;
  port: number;
}

/** Worker → primary. */
export type WorkerToRouter =
  | { cmd: typeof TRAFFIC_CMD; act: 'listen'; seq: number; member: TrafficMember; query: ListenQuery }
  /** A connection the worker did not take; its raw handle travels back with the message. */
  | { cmd: typeof TRAFFIC_CMD; act: 'decline'; key: string }
  | { cmd: typeof TRAFFIC_CMD; act: 'close'; key: string };

/** Primary → worker. */
export type RouterToWorker =
  /** Not routed by the primary: the worker uses node:cluster's own `_getServer`. */
  | { cmd: typeof TRAFFIC_CMD; act: 'listen-reply'; seq: number; routed: false }
  /** Routed: `errno` (a negative libuv code) when the listen failed, else the socket's key. */
  | { cmd: typeof TRAFFIC_CMD; act: 'listen-reply'; seq: number; routed: true; key: string; errno?: number; sockname?: SockName; data: unknown }
  /** A connection; its raw handle travels with the message. */
  | { cmd: typeof TRAFFIC_CMD; act: 'conn'; key: string };

export function isTrafficMessage(msg: unknown): msg is WorkerToRouter | RouterToWorker {
  return typeof msg === 'object' && msg !== null && (msg as { cmd?: unknown }).cmd === TRAFFIC_CMD;
}
