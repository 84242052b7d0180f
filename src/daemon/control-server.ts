/**
 * The control server: WebSocket (control-websocket.ts) over the unix socket HOTCTL_HOME/daemon.sock (mode 0600),
 * and one plain HTTP request beside it, `GET /api/status` (plain-status.ts).
 *
 * Each text frame is one JSON request; each gets exactly one response with the same id.
 * Malformed frames get an E_PROTOCOL error (id 0 when no id could be read) and never take the
 * daemon down. Events come from the daemon's event bus (event-bus.ts): each connection is one
 * of its subscribers, and keeps the events of the topics it subscribed to, and those of an
 * operation it started with `follow: true` (with its app's worker events), until that operation ends.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { chmodSync, renameSync, unlinkSync } from 'node:fs';
import { serveControlSocket, type ControlWebSocket, type PlainGet } from './control-websocket.js';
import type { DaemonEvent, Method, Params, Result, ServerMessage, SubscriptionTopic } from '../protocol/index.js';
import { EVENT_TOPIC, HotctlError, isMethod, isTerminalOperationState, MAX_MESSAGE_BYTES, toHotctlError } from '../protocol/index.js';
import { plainStatus } from './plain-status.js';
import { checkParams, splitAfterHello } from './request-check.js';
import { SubscriberOutlet } from './subscriber-outlet.js';
import type { ConnectionCap } from './connection-cap.js';
import type { BusSubscriber, EventBus } from './event-bus.js';

export interface ConnectionContext {
  /** Sends this operation's events (and its app's worker events) here until it ends. */
  follow(operationId: string, app: string): void;
  /** Subscribes to topics; `apps` narrows the `logs` topic to those apps. */
  subscribe(topics: SubscriptionTopic[], apps?: string[]): void;
  /** Sends one event to this connection only (e.g. the first status snapshot). */
  push(event: DaemonEvent): void;
}

export type Handlers = { [M in Method]: (params: Params<M>, ctx: ConnectionContext) => Promise<Result<M>> };

interface Connection extends ConnectionContext, BusSubscriber {
  readonly socket: ControlWebSocket;
  readonly outlet: SubscriberOutlet;
  readonly topics: Set<SubscriptionTopic>;
  logApps: Set<string> | null;
  /** operation id → app */
  readonly followed: Map<string, string>;
  /** The hello's outcome once one was sent: null when accepted, else its refusal. */
  greeting: Promise<HotctlError | null> | null;
}

export class ControlServer {
  private readonly server: Server;
  /** Closing: new connections are refused. */
  private closing = false;
  private readonly connections = new Set<Connection>();
  /** Log lines dropped for connections that have closed since. */
  private droppedByGone = 0;
  /** A plain `GET /api/status` (src/protocol/status-get.ts). */
  private readonly plainGet: PlainGet;

  constructor(
    private socketPath: string,
    private readonly handlers: Handlers,
    private readonly log: (line: string) => void,
    private readonly bus: EventBus,
    cap?: ConnectionCap,
  ) {
    // A plain request follows no operation and takes no events.
    const alone: ConnectionContext = { follow: () => {}, subscribe: () => {}, push: () => {} };
    this.plainGet = plainStatus({ hello: (params) => handlers.hello(params, alone), status: (params) => handlers.status(params, alone) }, log);
    this.server = createServer((socket: Socket) => {
      if (this.closing) return void socket.destroy();
      cap?.admit(socket);
      serveControlSocket(socket, MAX_MESSAGE_BYTES, (ws) => this.accept(ws), this.plainGet);
    });
  }

  /** Listens on the socket path. The caller holds the pid lock, so a leftover socket file is stale. */
  async listen(): Promise<void> {
    try {
      unlinkSync(this.socketPath);
    } catch {
      // none left over
    }
    const previous = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(this.socketPath, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(previous);
    }
    chmodSync(this.socketPath, 0o600);
  }

  /** Connections, bytes waiting in their sockets, and log lines dropped for slow subscribers. */
  stats(): { connections: number; buffered_bytes: number; dropped_log_lines: number } {
    let buffered = 0;
    let dropped = 0;
    for (const conn of this.connections) {
      buffered += conn.outlet.bufferedBytes;
      dropped += conn.outlet.droppedTotal;
    }
    return { connections: this.connections.size, buffered_bytes: buffered, dropped_log_lines: dropped + this.droppedByGone };
  }

  /**
   * `hotctl update`: the new daemon renames its temporary socket over daemon.sock (atomic: a
   * client finds one daemon or the other); the old one (null) then must not remove that path.
   */
  moveTo(path: string | null): void {
    if (path !== null) renameSync(this.socketPath, path);
    this.socketPath = path ?? '';
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const conn of this.connections) conn.socket.close(1001, 'daemon stopping');
    // Closing a unix listener unlinks its path (libuv): after a hand-off that path is the new
    // daemon's, so the listener stays open (unreachable: no path leads to it) until the exit.
    if (this.socketPath !== '') await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.socket.terminate();
    try {
      if (this.socketPath !== '') unlinkSync(this.socketPath);
    } catch {
      // already gone
    }
  }

  private accept(socket: ControlWebSocket): void {
    const conn: Connection = {
      socket,
      outlet: new SubscriberOutlet(socket, JSON.stringify),
      topics: new Set(),
      logApps: null,
      followed: new Map(),
      greeting: null,
      follow: (operationId, app) => void conn.followed.set(operationId, app),
      subscribe: (topics, apps) => {
        topics.forEach((t) => conn.topics.add(t));
        if (apps !== undefined && topics.includes('logs')) conn.logApps = new Set(apps);
      },
      push: (event) => this.send(conn, { event: event.kind, data: event }),
      wants: (topic) => conn.topics.has(topic),
      deliver: (event) => this.deliver(conn, event),
    };
    this.connections.add(conn);
    const leave = this.bus.add(conn);
    socket.on('message', (data, isBinary) => void this.onMessage(conn, data, isBinary));
    const gone = () => {
      leave();
      if (this.connections.delete(conn)) this.droppedByGone += conn.outlet.droppedTotal;
    };
    socket.on('close', gone);
    socket.on('error', gone);
  }

  /** An event from the bus: kept when subscribed to, or when it belongs to an operation this connection follows. */
  private deliver(conn: Connection, event: DaemonEvent): void {
    if (conn.topics.has(EVENT_TOPIC[event.kind])) {
      if (event.kind === 'log' && conn.logApps !== null && !conn.logApps.has(event.app)) return;
      this.send(conn, { event: event.kind, data: event });
      return;
    }
    if (event.kind === 'operation' && conn.followed.has(event.operation.id)) {
      this.send(conn, { event: event.kind, data: event });
      if (isTerminalOperationState(event.operation.state)) conn.followed.delete(event.operation.id);
    } else if (event.kind === 'worker' && [...conn.followed.values()].includes(event.app)) {
      this.send(conn, { event: event.kind, data: event });
    }
  }

  private async onMessage(conn: Connection, data: unknown, isBinary: boolean): Promise<void> {
    let id = 0;
    try {
      if (isBinary) throw new HotctlError('E_PROTOCOL', 'Binary frames are not accepted; send JSON text.');
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        throw new HotctlError('E_PROTOCOL', 'The message is not valid JSON.');
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        throw new HotctlError('E_PROTOCOL', 'A request must be a JSON object {id, method, params}.');
      }
      const req = message as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof req.id !== 'number' || !Number.isSafeInteger(req.id)) throw new HotctlError('E_PROTOCOL', 'A request needs a whole-number "id".');
      id = req.id;
      if (!isMethod(req.method)) {
        throw new HotctlError('E_UNKNOWN_METHOD', `Unknown method ${JSON.stringify(req.method)}.`, { details: { method: String(req.method).slice(0, 100) } });
      }
      // Absent params mean none; `null` is not an object, and is refused like any other non-object.
      const sent = req.params === undefined ? {} : req.params;
      const { afterHello, params: given } = req.method === 'hello' ? { afterHello: false, params: sent } : splitAfterHello(sent);
      const params = checkParams(req.method, given);
      const handler = this.handlers[req.method] as (params: unknown, ctx: ConnectionContext) => Promise<unknown>;
      if (req.method === 'hello') {
        const answer = handler(params, conn);
        conn.greeting = answer.then(
          () => null,
          (err: unknown) => toHotctlError(err),
        );
        this.send(conn, { id, ok: true, result: await answer } as ServerMessage);
        return;
      }
      if (afterHello) await this.afterHello(conn, req.method);
      const result = await handler(params, conn);
      this.send(conn, { id, ok: true, result } as ServerMessage);
    } catch (err) {
      const error = toHotctlError(err);
      if (error.code === 'E_INTERNAL') this.log(`internal error: ${error.details?.stack ?? error.message}`);
      this.send(conn, { id, ok: false, error: error.toJSON() });
    }
  }

  /**
   * A request sent `after_hello` (src/protocol/control.ts) right behind the hello, before its
   * answer: carried out once the hello is, and only if it was accepted.
   */
  private async afterHello(conn: Connection, method: Method): Promise<void> {
    if (conn.greeting === null) throw new HotctlError('E_PROTOCOL', `"after_hello" on ${method}, but this connection sent no hello before it.`);
    const refused = await conn.greeting;
    if (refused) throw new HotctlError(refused.code, `${method} was not carried out: the hello was refused. ${refused.message}`, { hint: refused.hint });
  }

  private send(conn: Connection, message: ServerMessage): void {
    if ('event' in message) conn.outlet.event(message.data);
    else conn.outlet.reply(message);
  }
}
