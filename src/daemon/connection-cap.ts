/**
 * The control plane may never starve the data plane of file descriptors: the daemon is the
 * cluster primary that accepts every app connection, so if /ws clients or socket connections
 * took every fd, no app request would get through. Each listener (the control socket, the HTTP
 * listener) keeps at most its share of RLIMIT_NOFILE open; a connection over the cap closes
 * the oldest one of that listener (a fresh `hotctl status` or /healthz gets in, a flood of idle
 * connections evicts itself). The rest of the fds is the apps' reserve.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

/** Each listener may hold at most 1/8 of the fd limit (and at most these many connections)… */
export const SOCKET_CONNECTIONS_MAX = 256;
export const HTTP_CONNECTIONS_MAX = 512;
/** …and at least this many, however low the limit. */
export const CONNECTIONS_MIN = 8;
/** Assumed when the limit cannot be read (not Linux). */
export const DEFAULT_OPEN_FILES = 1024;

export interface FdBudget {
  /** RLIMIT_NOFILE (soft) of the daemon. */
  open_files: number;
  socket_connections: number;
  http_connections: number;
  /** What is left for the apps (worker pipes, accepted connections, log files). */
  reserve: number;
}

export function fdBudget(openFiles: number): FdBudget {
  const share = Math.floor(openFiles / 8);
  const socket = Math.max(CONNECTIONS_MIN, Math.min(SOCKET_CONNECTIONS_MAX, share));
  const http = Math.max(CONNECTIONS_MIN, Math.min(HTTP_CONNECTIONS_MAX, share));
  return { open_files: openFiles, socket_connections: socket, http_connections: http, reserve: Math.max(0, openFiles - socket - http) };
}

/** The soft RLIMIT_NOFILE from /proc/self/limits; DEFAULT_OPEN_FILES when it cannot be read. */
export function openFilesLimit(): number {
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const n = Number(line?.[1]);
    if (Number.isSafeInteger(n) && n > 0) return n;
    if (line?.[1] === 'unlimited') return 1_048_576;
  } catch {
    // not Linux
  }
  return DEFAULT_OPEN_FILES;
}

/** Keeps at most `max` sockets of one listener open, closing the oldest when one more arrives. */
export class ConnectionCap {
  private readonly sockets = new Set<Socket>();
  /** Connections closed to make room, since start. */
  evicted = 0;

  constructor(
    readonly max: number,
    private readonly onEvict: () => void,
  ) {}

  get open(): number {
    return this.sockets.size;
  }

  admit(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    // A Set iterates in insertion order: the first is the oldest.
    for (const oldest of this.sockets) {
      if (this.sockets.size <= this.max) break;
      this.sockets.delete(oldest);
      oldest.destroy();
      this.evicted++;
      this.onEvict();
    }
  }
}
