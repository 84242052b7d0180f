/**
 * The HTTP listener's read-only event stream at `/ws` (the dashboard's feed): clients subscribe
 * with `{"subscribe":[...]}` to topics of HTTP_TOPICS (all of them until they say otherwise),
 * get a first status snapshot at once, then what the daemon's event bus hands over, each
 * through its own SubscriberOutlet (the control socket's bounded policy). Pinged every
 * WS_HEARTBEAT_MS; one that did not answer the previous ping is dropped.
 * The upgrade itself (Host, Origin) is checked by http-server.ts.
 */
import { WebSocketServer, type WebSocket } from './ws-module.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DaemonEvent, StatusSnapshot, SubscriptionTopic } from '../protocol/index.js';
import { EVENT_TOPIC } from '../protocol/index.js';
import { SubscriberOutlet } from './subscriber-outlet.js';
import { serialise } from './http-wire.js';
import { isoNow } from '../platform/iso-time.js';

/** The largest /ws message read: the only one a client sends is `{"subscribe":[...]}`. */
export const WS_MAX_MESSAGE_BYTES = 4096;
/** Topics a `/ws` client may subscribe to, and gets when it asks for none. No `logs`: app output may print secrets. */
export const HTTP_TOPICS = ['status', 'metrics', 'events'] as const satisfies readonly SubscriptionTopic[];
/** Ws clients are pinged this often; one that did not answer the previous ping is dropped. */
export const WS_HEARTBEAT_MS = 30_000;

/** Sends the daemon's events of these topics to `send` until the returned function is called. */
export type Subscribe = (topics: SubscriptionTopic[], send: (event: DaemonEvent) => void) => () => void;

interface WsClient {
  readonly ws: WebSocket;
  /** Bounded: see subscriber-outlet.ts (the same policy as the control socket's). */
  readonly outlet: SubscriberOutlet;
  unsubscribe: (() => void) | null;
  alive: boolean;
}

export class WsFeed {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });
  private readonly clients = new Set<WsClient>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly subscribeTo: Subscribe,
    private readonly status: () => StatusSnapshot,
  ) {}

  /** Starts pinging clients. */
  start(): void {
    this.heartbeat = setInterval(() => this.ping(), WS_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Takes an upgrade the listener has let through. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /** Unsubscribes every client and closes it (1001). */
  closeClients(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    for (const client of this.clients) {
      client.unsubscribe?.();
      client.unsubscribe = null;
      client.ws.close(1001, 'daemon stopping');
    }
  }

  /** Cuts the clients that did not close in time, and the server. */
  terminate(): void {
    for (const client of this.clients) client.ws.terminate();
  }

  close(): void {
    this.wss.close();
  }

  /** /ws clients and bytes waiting in their sockets. */
  stats(): { connections: number; buffered_bytes: number; dropped_log_lines: number } {
    let buffered = 0;
    for (const client of this.clients) buffered += client.outlet.bufferedBytes;
    // No `logs` topic over HTTP: nothing to drop.
    return { connections: this.clients.size, buffered_bytes: buffered, dropped_log_lines: 0 };
  }

  private accept(ws: WebSocket): void {
    const client: WsClient = { ws, outlet: new SubscriberOutlet(ws, serialise), unsubscribe: null, alive: true };
    this.clients.add(client);
    const drop = () => {
      client.unsubscribe?.();
      client.unsubscribe = null;
      this.clients.delete(client);
    };
    ws.on('close', drop);
    ws.on('error', drop);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => {
      const topics = isBinary ? null : parseSubscribe(String(data));
      if (topics === null) {
        ws.close(1008, 'expected {"subscribe":["status","metrics","events"]}');
        return;
      }
      this.subscribe(client, topics);
    });
    this.subscribe(client, [...HTTP_TOPICS]);
  }

  private subscribe(client: WsClient, topics: SubscriptionTopic[]): void {
    client.unsubscribe?.();
    const wanted = new Set(topics);
    // Filtered here as well: whatever the daemon hands over, only these topics go out.
    const send = (event: DaemonEvent) => {
      if (wanted.has(EVENT_TOPIC[event.kind])) client.outlet.event(event);
    };
    client.unsubscribe = this.subscribeTo(topics, send);
    if (wanted.has('status')) send({ kind: 'status', at: isoNow(), status: this.status() });
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}

/** `{"subscribe":[...]}` with topics offered over HTTP, or null. */
export function parseSubscribe(text: string): SubscriptionTopic[] | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  const topics = (message as { subscribe?: unknown } | null)?.subscribe;
  if (!Array.isArray(topics) || !topics.every((t) => (HTTP_TOPICS as readonly unknown[]).includes(t))) return null;
  return [...new Set(topics as SubscriptionTopic[])];
}
