/**
 * One listening socket that the primary owns and routes: a `net.Server` whose raw handle's
 * `onconnection` we take over, as lib/internal/cluster/round_robin_handle.js does — each
 * accepted connection stays a raw TCPWrap/PipeWrap (no net.Socket in the primary) and goes to
 * the member the picker chooses, or waits in the queue while none is routable.
 */
import net from 'node:net';
import { relative } from 'node:path';
import type { ListenQuery, SockName } from '../protocol/traffic-ipc.js';
import { ConnQueue, safeClose, type QueueLimits, type RawConnection } from './conn-queue.js';
import { Picker, type PickerMember } from './picker.js';
import { noteConnection } from '../platform/optimizing-compiler.js';
import { dropLink, unixBind, unlinkSocketPath } from './unix-path.js';

/** libuv's flag for an IPv6-only TCP listen (uv.h UV_TCP_IPV6ONLY). */
const UV_TCP_IPV6ONLY = 1;

export interface RawHandle extends RawConnection {
  getsockname?(out: object): number;
  onconnection?: (err: number, handle?: RawHandle) => void;
}

/** A worker as the sockets see it; shared by all the sockets it listens on. */
export interface RouteMember extends PickerMember {
  readonly app: string;
  readonly workerId: number;
}

export interface SocketStats {
  key: string;
  app: string;
  /** host:port, or the unix path. */
  address: string;
  accepted: number;
  /** Connections handed over per worker id and per revision (those a worker declined and sent back excepted). */
  routedByWorker: Record<string, number>;
  routedByRevision: Record<string, number>;
  queuedNow: number;
  /** Closed unserved: the queue was full, or they waited past its timeout. */
  dropped: number;
  /** Connections that waited in the queue, and how long (ms). */
  waited: { count: number; totalMs: number; maxMs: number };
}

export type BindResult = { errno: number } | { errno?: undefined; sockname?: SockName };

export class RoutedSocket<M extends RouteMember> {
  readonly picker = new Picker<M>();
  readonly queue: ConnQueue<RawHandle>;
  /** The first member's server data (TLS ticket keys), given to every member. */
  data: unknown = undefined;
  private server: net.Server | null = net.createServer();
  private handle: RawHandle | null = null;
  private bound: BindResult | null = null;
  private readonly waiting: ((result: BindResult) => void)[] = [];
  private accepted = 0;
  private readonly routedByWorker = new Map<number, number>();
  private readonly routedByRevision = new Map<number, number>();
  private readonly waited = { count: 0, totalMs: 0, maxMs: 0 };
  /** A unix path's symlink (unix-path.ts); null: a TCP socket, an adopted one, or bound without one. */
  private link: string | null = null;
  /** Handed over to the next daemon: closing our copy must not remove its path. */
  private givenAway = false;
  /** Adopted from the previous daemon: our handle has no bind path of its own. */
  private boundElsewhere = false;

  constructor(
    readonly key: string,
    readonly app: string,
    readonly query: ListenQuery,
    limits: QueueLimits,
    private readonly send: (member: M, socket: RoutedSocket<M>, handle: RawHandle) => void,
    /** A listening handle handed over by the previous daemon: bound already, accepts at {@link acceptAdopted}. */
    private adopted: RawHandle | null = null,
  ) {
    this.queue = new ConnQueue(limits);
    const server = this.server!;
    // A routed socket never keeps the primary alive by itself.
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => this.settle({ errno: typeof err.errno === 'number' ? err.errno : -1 }));
    server.once('listening', () => {
      const handle = (server as unknown as { _handle: RawHandle })._handle;
      this.handle = handle;
      handle.onconnection = (err, client) => this.onConnection(err, client);
      let sockname: SockName | undefined;
      if (handle.getsockname) {
        const out = {} as SockName;
        handle.getsockname(out);
        sockname = out;
      }
      this.settle(sockname ? { sockname } : {});
    });
    if (adopted) {
      this.boundElsewhere = true;
      const out = {} as SockName;
      if (adopted.getsockname?.(out) === 0) this.settle({ sockname: out });
      else this.settle({});
      return;
    }
    const { address, port, backlog, flags, readableAll, writableAll } = query;
    if (port >= 0) server.listen({ port, host: address ?? undefined, ipv6Only: Boolean((flags ?? 0) & UV_TCP_IPV6ONLY), backlog });
    else {
      // Through a symlink of ours, so that the socket can be handed over without unlinking its path.
      const bind = unixBind(address!);
      this.link = bind.link;
      // Else the shortest form of the path, as node:cluster's primary does: a unix path fits in ~104 bytes.
      const rel = relative(process.cwd(), address!);
      const path = bind.link !== null ? bind.bindPath : rel.length < address!.length ? rel : address!;
      server.listen({ path, backlog, readableAll, writableAll });
    }
  }

  /** host:port or the path, for status. */
  get address(): string {
    return this.query.port >= 0 ? `${this.query.address ?? '*'}:${this.query.port}` : (this.query.address ?? '');
  }

  get listening(): boolean {
    return this.handle !== null;
  }

  /** How many workers listen on it (routable or not); an adopted socket not accepting yet counts as listened on (the previous daemon's workers serve it). */
  get listeners(): number {
    return this.adopted !== null ? Number.POSITIVE_INFINITY : this.picker.members.length;
  }

  /** The raw listening handle (to hand over to the next daemon), or null. */
  get rawHandle(): RawHandle | null {
    return this.handle;
  }

  /** Whether the next daemon can take it: TCP, or a unix path bound through our symlink (or adopted). */
  get canHandOver(): boolean {
    return this.handle !== null && (this.query.port >= 0 || this.link !== null || this.boundElsewhere);
  }

  /** An adopted socket starts accepting (the previous daemon keeps accepting until it closes its copy). */
  acceptAdopted(): void {
    if (this.adopted === null || this.server === null) return;
    this.server.listen(this.adopted);
    this.adopted = null;
  }

  /** Calls `fn` once the listen has succeeded or failed. */
  whenBound(fn: (result: BindResult) => void): void {
    if (this.bound !== null) fn(this.bound);
    else this.waiting.push(fn);
  }

  add(member: M): void {
    if (!this.picker.members.includes(member)) this.picker.add(member);
    this.flush();
  }

  remove(member: M): void {
    this.picker.remove(member);
  }

  /** Hands queued connections to routable members (a member turned routable, or weights changed). */
  flush(): void {
    while (this.queue.size > 0 && this.picker.hasRoutable) {
      const { handle, waitedMs } = this.queue.shift()!;
      this.waited.count++;
      this.waited.totalMs += waitedMs;
      if (waitedMs > this.waited.maxMs) this.waited.maxMs = waitedMs;
      this.dispatch(handle);
    }
  }

  /** Routes one connection: to a routable member, else into the queue. */
  dispatch(handle: RawHandle): void {
    if (this.handle === null) {
      safeClose(handle);
      return;
    }
    const member = this.picker.pick();
    if (member === null) this.queue.push(handle);
    else this.send(member, this, handle);
  }

  /** A connection was handed to a member (+1), or came back from it unserved (-1). */
  routed(member: M, n: 1 | -1): void {
    this.routedByWorker.set(member.workerId, (this.routedByWorker.get(member.workerId) ?? 0) + n);
    this.routedByRevision.set(member.revision, (this.routedByRevision.get(member.revision) ?? 0) + n);
  }

  /**
   * Hand-off: stops accepting (the next daemon accepts on its copy) but keeps routing what was
   * accepted already -- a connection a draining worker declines still goes to another member.
   */
  stopAccepting(): void {
    this.givenAway = true;
    // The path is the next daemon's: libuv's unlink at close must name nothing.
    dropLink(this.link);
    this.server?.close();
    this.server = null;
  }

  close(): void {
    this.queue.closeAll();
    const open = this.handle !== null || this.adopted !== null;
    this.handle = null;
    dropLink(this.link);
    if (open && !this.givenAway && this.query.port < 0 && this.query.address) unlinkSocketPath(this.query.address);
    if (this.adopted) safeClose(this.adopted);
    this.adopted = null;
    this.server?.close();
    this.server = null;
    this.settle({ errno: -1 });
  }

  stats(): SocketStats {
    return {
      key: this.key,
      app: this.app,
      address: this.address,
      accepted: this.accepted,
      routedByWorker: Object.fromEntries(this.routedByWorker),
      routedByRevision: Object.fromEntries(this.routedByRevision),
      queuedNow: this.queue.size,
      dropped: this.queue.dropped,
      waited: { ...this.waited },
    };
  }

  private onConnection(err: number, client?: RawHandle): void {
    // A failed accept (EMFILE…) gives no handle: nothing to route (RoundRobinHandle does the same).
    if (err || !client) return;
    this.accepted++;
    // While V8's optimizing compiler is held (an idle daemon), a burst of connections releases it.
    noteConnection();
    this.dispatch(client);
  }

  private settle(result: BindResult): void {
    if (this.bound !== null) return;
    this.bound = result;
    for (const fn of this.waiting.splice(0)) fn(result);
  }
}
