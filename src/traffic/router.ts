/**
 * The primary's connection router: owns the routed listening sockets and hands each new
 * connection to a routable worker (design: docs/traffic.md). It talks to the workers' side
 * (src/traffic/worker-side.ts) over their IPC channels, and knows nothing of the supervisor:
 * whoever composes it says which workers are routable and which revisions get what share.
 *
 * One writer per fact: the router alone writes membership (from the workers' listen/close
 * messages and exits) and the routable marks (from {@link Router.setRoutable}).
 */
import cluster, { type Worker } from 'node:cluster';
import { constants } from 'node:os';
import { isTrafficMessage, TRAFFIC_CMD, type ListenQuery, type RouterToWorker, type TrafficMember, type WorkerToRouter } from '../protocol/traffic-ipc.js';
import { DEFAULT_QUEUE_LIMITS, safeClose, type QueueLimits } from './conn-queue.js';
import { isHandleAnswer, Member, send } from './member.js';
import { RoutedSocket, type RawHandle, type SocketStats } from './routed-socket.js';
import { unusedSockets } from './unused-sockets.js';

const EADDRINUSE = -constants.errno.EADDRINUSE;

export interface RouterOptions {
  /** Whether listens of this app are routed (false: the worker uses node:cluster's own path). */
  routes(app: string): boolean;
  queue?: QueueLimits;
  /** Listening sockets handed over by the previous daemon (`hotctl update`); they accept at {@link Router.acceptAdopted}. */
  adopted?: readonly AdoptedSocket[];
}

/** A routed listening socket as one daemon hands it to the next (src/daemon/handoff/). */
export interface AdoptedSocket {
  key: string;
  app: string;
  query: ListenQuery;
  handle: RawHandle;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const markKey = (app: string, workerId: number): string => `${app}#${workerId}`;

export class Router {
  private readonly sockets = new Map<string, RoutedSocket<Member>>();
  private readonly members = new Map<Worker, Member>();
  /** Routable marks by app#workerId; set before or after the worker's listen. */
  private readonly routableMarks = new Set<string>();
  private readonly weights = new Map<string, ReadonlyMap<number, number> | null>();
  /** Apps with no operation in progress: their sockets no worker listens on close (unused-sockets.ts). */
  private readonly settled = new Set<string>();
  private readonly limits: QueueLimits;
  private closed = false;
  private readonly onFork = (worker: Worker): void => this.attach(worker);

  constructor(private readonly options: RouterOptions) {
    this.limits = options.queue ?? DEFAULT_QUEUE_LIMITS;
    for (const { key, app, query, handle } of options.adopted ?? []) {
      const socket = new RoutedSocket<Member>(key, app, query, this.limits, (m, s, h) => m.give(s, h), handle);
      socket.data = query.data;
      this.sockets.set(key, socket);
    }
    cluster.on('fork', this.onFork);
    for (const worker of Object.values(cluster.workers ?? {})) if (worker) this.attach(worker);
  }

  /** Marks a worker routable (ready) or not (starting, draining, unresponsive, parked). */
  setRoutable(app: string, workerId: number, routable: boolean): void {
    const key = markKey(app, workerId);
    if (routable) this.routableMarks.add(key);
    else this.routableMarks.delete(key);
    for (const member of this.members.values()) {
      if (member.app !== app || member.workerId !== workerId || member.routable === routable) continue;
      member.routable = routable;
      if (routable) for (const socket of member.sockets) socket.flush();
    }
  }

  /** Shares of new connections by revision for an app's sockets; null: by worker count. */
  setWeights(app: string, weights: ReadonlyMap<number, number> | null): void {
    this.weights.set(app, weights);
    for (const socket of this.sockets.values()) {
      if (socket.app !== app) continue;
      socket.picker.setWeights(weights);
      socket.flush();
    }
  }

  /**
   * Whether `app`'s operation has ended (true) or one runs (false). While settled, a socket of
   * the app that no worker listens on any more closes (now, and whenever a worker stops listening).
   */
  setSettled(app: string, settled: boolean): void {
    if (!settled) {
      this.settled.delete(app);
      return;
    }
    this.settled.add(app);
    this.closeUnused(app);
  }

  private closeUnused(app: string): void {
    if (!this.settled.has(app)) return;
    for (const key of unusedSockets(app, this.sockets)) {
      this.sockets.get(key)?.close();
      this.sockets.delete(key);
    }
  }

  /** Closes every socket of `app` (stopped or deleted); queued connections are closed. */
  closeApp(app: string): void {
    for (const [key, socket] of this.sockets) {
      if (socket.app !== app) continue;
      this.sockets.delete(key);
      socket.close();
    }
    this.weights.delete(app);
    this.settled.delete(app);
  }

  /** The listening sockets to hand over to the next daemon (a unix path only if bound through our symlink: unix-path.ts). */
  listeningSockets(): AdoptedSocket[] {
    return [...this.sockets.values()].flatMap((s) => (s.rawHandle && s.canHandOver ? [{ key: s.key, app: s.app, query: { ...s.query, data: s.data }, handle: s.rawHandle }] : []));
  }

  /**
   * Hand-off, the daemon that gives up its sockets: stops accepting on every socket and resolves
   * once every connection it sent is acknowledged (bounded), so that draining the workers after
   * it declines nothing.
   */
  async stopAccepting(limitMs = 5000): Promise<void> {
    for (const socket of this.sockets.values()) socket.stopAccepting();
    const deadline = Date.now() + limitMs;
    const pending = () => [...this.members.values()].some((m) => m.pending) || [...this.sockets.values()].some((s) => s.queue.size > 0);
    while (pending() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** The adopted sockets start accepting. */
  acceptAdopted(): void {
    for (const socket of this.sockets.values()) socket.acceptAdopted();
  }

  stats(app?: string): SocketStats[] {
    return [...this.sockets.values()].filter((s) => app === undefined || s.app === app).map((s) => s.stats());
  }

  /** Closes every socket and stops listening to new workers (the daemon exits). */
  close(): void {
    this.closed = true;
    cluster.off('fork', this.onFork);
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  private attach(worker: Worker): void {
    worker.process.on('internalMessage', (message: unknown, handle: unknown) => {
      if (isTrafficMessage(message)) this.onMessage(worker, message as WorkerToRouter, handle as RawHandle | undefined);
      else if (isHandleAnswer(message)) this.members.get(worker)?.answered();
    });
    worker.once('exit', () => this.detach(worker));
  }

  private onMessage(worker: Worker, message: WorkerToRouter, handle: RawHandle | undefined): void {
    switch (message.act) {
      case 'listen':
        this.listen(worker, message.seq, message.member, message.query);
        return;
      case 'decline':
        if (handle) this.declined(worker, message.key, handle);
        return;
      case 'close': {
        const member = this.members.get(worker);
        const socket = this.sockets.get(message.key);
        if (!member || !socket) return;
        socket.remove(member);
        member.sockets.delete(socket);
        this.closeUnused(member.app);
        return;
      }
    }
  }

  private reply(worker: Worker, message: DistributiveOmit<Extract<RouterToWorker, { act: 'listen-reply' }>, 'cmd'>): void {
    send(worker, { cmd: TRAFFIC_CMD, ...message } as RouterToWorker);
  }

  private listen(worker: Worker, seq: number, who: TrafficMember, query: ListenQuery): void {
    if (this.closed || !this.options.routes(who.app)) {
      this.reply(worker, { act: 'listen-reply', seq, routed: false });
      return;
    }
    // listen(0) means "a port of my own": one socket per app, shared by its workers.
    const where = `${query.address}:${query.port}:${query.addressType}:${query.index}`;
    const key = query.port === 0 ? `${who.app}|${where}` : where;
    let socket = this.sockets.get(key);
    if (socket && socket.app !== who.app) {
      // Two apps on one address: the newcomer's listen fails as a taken port does.
      this.reply(worker, { act: 'listen-reply', seq, routed: true, key, errno: EADDRINUSE, data: null });
      return;
    }
    if (!socket) {
      socket = new RoutedSocket<Member>(key, who.app, query, this.limits, (m, s, h) => m.give(s, h));
      socket.data = query.data;
      socket.picker.setWeights(this.weights.get(who.app) ?? null);
      this.sockets.set(key, socket);
    }
    const member = this.memberFor(worker, who);
    const routedSocket = socket;
    routedSocket.whenBound((result) => {
      if (result.errno !== undefined) {
        if (this.sockets.get(key) === routedSocket) this.sockets.delete(key);
        this.reply(worker, { act: 'listen-reply', seq, routed: true, key, errno: result.errno, data: null });
        return;
      }
      if (!worker.isConnected() || !this.members.has(worker)) return;
      member.sockets.add(routedSocket);
      // Answer first: the connections flushed to this member must arrive after its listen reply.
      this.reply(worker, { act: 'listen-reply', seq, routed: true, key, ...(result.sockname ? { sockname: result.sockname } : {}), data: routedSocket.data });
      routedSocket.add(member);
    });
  }

  private memberFor(worker: Worker, who: TrafficMember): Member {
    let member = this.members.get(worker);
    if (!member) {
      member = new Member(worker, who.app, who.workerId, who.revision);
      member.routable = this.routableMarks.has(markKey(who.app, who.workerId));
      this.members.set(worker, member);
    }
    return member;
  }

  /** Its server closed (its `close` came first and removed it) or is at maxConnections: route it again. */
  private declined(worker: Worker, key: string, handle: RawHandle): void {
    const member = this.members.get(worker);
    const socket = this.sockets.get(key);
    if (!socket) return safeClose(handle);
    if (member) socket.routed(member, -1);
    socket.dispatch(handle);
  }

  private detach(worker: Worker): void {
    const member = this.members.get(worker);
    if (!member) return;
    this.members.delete(worker);
    member.detach();
    this.routableMarks.delete(markKey(member.app, member.workerId));
    this.closeUnused(member.app);
  }
}
