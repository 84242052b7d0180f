/**
 * The control plane's share of the daemon's file descriptors (connection-cap.ts): one cap per
 * listener, a notice once a cap closed connections, and the figures status shows.
 */
import type { ControlPlaneInfo } from '../protocol/index.js';
import { ConnectionCap, fdBudget, openFilesLimit, type FdBudget } from './connection-cap.js';

/** A cap that closed connections is said in the daemon's log at most this often. */
export const CAP_LOG_EVERY_MS = 60_000;

type ListenerStats = { connections: number; buffered_bytes: number; dropped_log_lines: number };
const NONE: ListenerStats = { connections: 0, buffered_bytes: 0, dropped_log_lines: 0 };

export class ControlPlane {
  readonly budget: FdBudget;
  readonly socketCap: ConnectionCap;
  readonly httpCap: ConnectionCap;
  /** Set once a cap closed connections. */
  notice: string | null = null;
  private loggedMs = 0;

  constructor(
    private readonly log: (line: string) => void,
    openFiles = openFilesLimit(),
  ) {
    this.budget = fdBudget(openFiles);
    const b = this.budget;
    log(`file descriptors: limit ${b.open_files}; control socket ≤ ${b.socket_connections} connections, HTTP ≤ ${b.http_connections}, ${b.reserve} kept for the apps`);
    this.socketCap = new ConnectionCap(b.socket_connections, () => this.onEvict());
    this.httpCap = new ConnectionCap(b.http_connections, () => this.onEvict());
  }

  private onEvict(): void {
    const b = this.budget;
    const evicted = this.socketCap.evicted + this.httpCap.evicted;
    this.notice = `Connection cap reached: ${evicted} control connection(s) closed, oldest first (control socket ≤ ${b.socket_connections}, HTTP ≤ ${b.http_connections}), to keep ${b.reserve} of ${b.open_files} file descriptors for the apps.`;
    // Said once a minute at most: a flood must not flood the log too.
    if (Date.now() - this.loggedMs >= CAP_LOG_EVERY_MS) {
      this.loggedMs = Date.now();
      this.log(this.notice);
    }
  }

  /** What status shows, from the two listeners' own figures (null: that listener is off). */
  info(socket: ListenerStats | null, web: ListenerStats | null): ControlPlaneInfo {
    const s = socket ?? NONE;
    const w = web ?? NONE;
    return {
      limits: this.budget,
      socket_connections: this.socketCap.open,
      http_connections: this.httpCap.open,
      evicted_connections: this.socketCap.evicted + this.httpCap.evicted,
      buffered_bytes: s.buffered_bytes + w.buffered_bytes,
      dropped_log_lines: s.dropped_log_lines + w.dropped_log_lines,
    };
  }
}
