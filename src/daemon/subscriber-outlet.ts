/**
 * One way out for every subscriber, on the control socket and on the HTTP listener's /ws:
 * a subscriber that reads slowly (a `hotctl logs -f` stopped with ^Z, a browser tab in the
 * background) costs the daemon a bounded amount of memory, whatever the apps print.
 *
 * ```
 * event ──► backlogged? ──no──► ws.send (socket buffer ≤ OUTLET_HIGH_WATER_BYTES + one message)
 *               │yes
 *               ├─ log ─────────► dropped, counted per app ─┐
 *               ├─ status/metrics ► latest value only ──────┤ written, in this order, as the
 *               └─ worker/operation ► queue (≤ OUTLET_MAX_QUEUED_EVENTS, ┘ socket drains; the
 *                    beyond: closed with CLOSE_TOO_SLOW)       drops as one log line per app
 * ```
 *
 * Replies to requests are always written: they are bounded by the requests the client sends.
 * The socket drains as ws reports each write flushed (the send callback), so no timer polls.
 */
import type { DaemonEvent, LogEvent } from '../protocol/index.js';
import { isoNow } from '../platform/iso-time.js';

/** What the outlet uses of a WebSocket: ws's (the HTTP listener's /ws) or the control socket's (control-websocket.ts). */
export interface OutletSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string, cb?: (err?: Error | null) => void): void;
  close(code?: number, reason?: string): void;
}

/** Above this many bytes waiting in a subscriber's socket, events are held instead of written. */
export const OUTLET_HIGH_WATER_BYTES = 256 * 1024;
/** Worker and operation events held for one slow subscriber; one more closes it (CLOSE_TOO_SLOW). */
export const OUTLET_MAX_QUEUED_EVENTS = 2000;
/** The ws close code for a subscriber too far behind to keep its transition events. */
export const CLOSE_TOO_SLOW = 4008;

export class SubscriberOutlet {
  private readonly queue: DaemonEvent[] = [];
  private readonly latest = new Map<'status' | 'metrics', DaemonEvent>();
  /** app -> log lines dropped since the last notice. */
  private readonly dropped = new Map<string, number>();
  /** Every log line ever dropped for this subscriber. */
  droppedTotal = 0;
  private readonly afterWrite = () => this.pump();

  constructor(
    private readonly ws: OutletSocket,
    private readonly serialise: (message: unknown) => string,
  ) {}

  /** Bytes written to the socket and not yet taken by the kernel. */
  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  /** A reply to a request: always written. */
  reply(message: unknown): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(this.serialise(message), this.afterWrite);
  }

  event(event: DaemonEvent): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.pending() || this.ws.bufferedAmount > OUTLET_HIGH_WATER_BYTES) this.hold(event);
    else this.write(event);
  }

  private hold(event: DaemonEvent): void {
    switch (event.kind) {
      case 'log':
        this.dropped.set(event.app, (this.dropped.get(event.app) ?? 0) + 1);
        this.droppedTotal++;
        return;
      case 'status':
      case 'metrics':
        this.latest.delete(event.kind); // re-inserted last: the newest value goes out last
        this.latest.set(event.kind, event);
        return;
      default:
        if (this.queue.length >= OUTLET_MAX_QUEUED_EVENTS) {
          this.queue.length = 0;
          this.latest.clear();
          this.ws.close(CLOSE_TOO_SLOW, `subscriber too slow: more than ${OUTLET_MAX_QUEUED_EVENTS} events behind`);
          return;
        }
        this.queue.push(event);
    }
  }

  private pending(): boolean {
    return this.queue.length > 0 || this.latest.size > 0 || this.dropped.size > 0;
  }

  /** Writes what is held, oldest first, while the socket has room. */
  private pump(): void {
    while (this.pending() && this.ws.readyState === this.ws.OPEN && this.ws.bufferedAmount <= OUTLET_HIGH_WATER_BYTES) {
      const next = this.queue.shift() ?? this.dropNotice() ?? this.takeLatest();
      if (next) this.write(next);
    }
  }

  private dropNotice(): LogEvent | undefined {
    const first = this.dropped.entries().next();
    if (first.done) return undefined;
    const [app, lines] = first.value;
    this.dropped.delete(app);
    return {
      kind: 'log',
      at: isoNow(),
      app,
      worker_id: -1,
      revision: 0,
      stream: 'err',
      text: `hotctl: ${lines} line${lines === 1 ? '' : 's'} of ${app} dropped here: this subscriber read too slowly (they are in the log files)`,
      dropped: lines,
    };
  }

  private takeLatest(): DaemonEvent | undefined {
    const first = this.latest.entries().next();
    if (first.done) return undefined;
    this.latest.delete(first.value[0]);
    return first.value[1];
  }

  private write(event: DaemonEvent): void {
    this.ws.send(this.serialise({ event: event.kind, data: event }), this.afterWrite);
  }
}
