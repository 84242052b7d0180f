/**
 * The worker's side of the router (design: docs/traffic.md). Replaces `cluster._getServer`,
 * which lib/net.js `listenInCluster` calls for every non-exclusive listen of a cluster worker:
 * a TCP or unix-path listen is asked of the primary's router; the server then gets a fake
 * listening handle (the shape of child.js `rr()`'s) whose `onconnection` receives the raw
 * handles the primary sends. Everything else (fd listens, dgram), and every listen the
 * primary answers `routed: false` for, goes to node:cluster's own `_getServer`.
 */
import cluster from 'node:cluster';
import type net from 'node:net';
import { resolve } from 'node:path';
import { isTrafficMessage, TRAFFIC_CMD, type ListenQuery, type RouterToWorker, type SockName, type TrafficMember, type WorkerToRouter } from '../protocol/traffic-ipc.js';

type Callback = (err: number, handle: FakeHandle | null) => void;
type GetServer = (obj: ServerLike, options: QueryOptions, cb: Callback) => void;

/** What lib/net.js passes to `_getServer`. */
interface QueryOptions {
  address: string | null;
  port: number;
  addressType: number | string;
  fd?: number | null;
  backlog?: number;
  flags?: number;
  readableAll?: boolean;
  writableAll?: boolean;
}

type ServerLike = net.Server & {
  _getServerData?: () => unknown;
  _setServerData?: (data: unknown) => void;
  _connections?: number;
};

interface RawHandle {
  close(): void;
}

interface FakeHandle {
  close(): void;
  listen(backlog?: number): number;
  ref(): void;
  unref(): void;
  getsockname?(out: object): number;
  onconnection?: (err: number, handle: RawHandle) => void;
}

/** The largest delay setInterval takes: a timer that keeps the worker alive while it listens (child.js does the same). */
const TIMEOUT_MAX = 2 ** 31 - 1;

type ListenReply = Extract<RouterToWorker, { act: 'listen-reply' }>;

export class TrafficWorkerSide {
  private seq = 0;
  private readonly replies = new Map<number, (reply: ListenReply) => void>();
  /** Listening routed servers by socket key. */
  private readonly servers = new Map<string, { server: ServerLike; handle: FakeHandle }>();
  /** child.js's per-address server counter (the n-th server of this worker on one address). */
  private readonly indexes = new Map<string, { next: number; live: Set<number> }>();

  constructor(private readonly member: TrafficMember) {}

  /** Takes over `cluster._getServer`; a no-op outside a cluster worker. */
  install(): void {
    if (!cluster.isWorker) return;
    const target = cluster as unknown as { _getServer: GetServer };
    const original = target._getServer;
    target._getServer = (obj, options, cb) => {
      if (!isRoutable(options)) return original.call(cluster, obj, options, cb);
      this.query(obj, options, cb, () => original.call(cluster, obj, options, cb));
    };
    process.on('internalMessage' as never, ((message: unknown, handle: RawHandle | undefined) => {
      if (isTrafficMessage(message)) this.onMessage(message as RouterToWorker, handle);
    }) as never);
  }

  private onMessage(message: RouterToWorker, handle: RawHandle | undefined): void {
    if (message.act === 'listen-reply') {
      const fn = this.replies.get(message.seq);
      this.replies.delete(message.seq);
      fn?.(message);
      return;
    }
    if (message.act !== 'conn' || handle === undefined) return;
    const entry = this.servers.get(message.key);
    if (entry !== undefined) {
      const server = entry.server;
      // Taken: no answer (the primary closed its copy once the message was written).
      if (server.maxConnections == null || (server._connections ?? 0) < server.maxConnections) return entry.handle.onconnection!(0, handle);
    }
    decline(message.key, handle);
  }

  private query(obj: ServerLike, options: QueryOptions, cb: Callback, fallback: () => void): void {
    // Unix paths are resolved here, against the worker's cwd, as child.js does.
    const address = options.port < 0 && typeof options.address === 'string' ? resolve(options.address) : options.address;
    const indexesKey = `${address}:${options.port}:${options.addressType}`;
    let indexSet = this.indexes.get(indexesKey);
    if (!indexSet) this.indexes.set(indexesKey, (indexSet = { next: 0, live: new Set() }));
    const index = indexSet.next++;
    indexSet.live.add(index);
    const release = (): void => {
      indexSet!.live.delete(index);
      if (indexSet!.live.size === 0 && this.indexes.get(indexesKey) === indexSet) this.indexes.delete(indexesKey);
    };
    const query: ListenQuery = {
      address,
      port: options.port,
      addressType: options.addressType,
      index,
      data: obj._getServerData ? obj._getServerData() : null,
      ...(options.backlog !== undefined ? { backlog: options.backlog } : {}),
      ...(options.flags !== undefined ? { flags: options.flags } : {}),
      ...(options.readableAll !== undefined ? { readableAll: options.readableAll } : {}),
      ...(options.writableAll !== undefined ? { writableAll: options.writableAll } : {}),
    };
    const seq = ++this.seq;
    this.replies.set(seq, (reply) => {
      if (!reply.routed) {
        release();
        fallback();
        return;
      }
      if (typeof obj._setServerData === 'function' && reply.data) obj._setServerData(reply.data);
      if (reply.errno !== undefined) {
        release();
        cb(reply.errno, null);
        return;
      }
      const handle = this.fakeHandle(reply.key, reply.sockname, release);
      this.servers.set(reply.key, { server: obj, handle });
      obj.once('listening', () => this.announce(obj, query));
      cb(0, handle);
    });
    send({ cmd: TRAFFIC_CMD, act: 'listen', seq, member: this.member, query });
  }

  private fakeHandle(key: string, sockname: SockName | undefined, release: () => void): FakeHandle {
    let open = true;
    let timer: NodeJS.Timeout | null = null;
    const handle: FakeHandle = {
      listen: () => 0,
      ref: () => {
        timer ??= setInterval(() => {}, TIMEOUT_MAX);
      },
      unref: () => {
        if (timer !== null) clearInterval(timer);
        timer = null;
      },
      // lib/net.js takes close() as synchronous: connections sent meanwhile are refused (acked
      // `accepted: false`) and the primary routes them again.
      close: () => {
        if (!open) return;
        open = false;
        handle.unref();
        this.servers.delete(key);
        release();
        send({ cmd: TRAFFIC_CMD, act: 'close', key });
      },
    };
    if (sockname) handle.getsockname = (out) => (open && Object.assign(out, sockname), 0);
    handle.ref();
    return handle;
  }

  /** node:cluster's own 'listening' message, so the primary's `worker.on('listening')` fires as before. */
  private announce(server: ServerLike, query: ListenQuery): void {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : query.port;
    if (cluster.worker) (cluster.worker as unknown as { state: string }).state = 'listening';
    sendRaw({ cmd: 'NODE_CLUSTER', act: 'listening', address: query.address, port, addressType: query.addressType, fd: undefined, index: query.index });
  }
}

/** TCP host/port (port 0 included) and unix paths; not fd listens, not dgram. */
function isRoutable(options: QueryOptions): boolean {
  if (options.fd !== undefined && options.fd !== null && options.fd >= 0) return false;
  if (options.addressType === 'udp4' || options.addressType === 'udp6') return false;
  return options.port >= 0 || typeof options.address === 'string';
}

/** Sends a connection we do not take back to the primary, which routes it again; closes our copy once written. */
function decline(key: string, handle: RawHandle): void {
  const message: WorkerToRouter = { cmd: TRAFFIC_CMD, act: 'decline', key };
  if (!process.connected || !process.send) return handle.close();
  try {
    process.send(message, handle as never, () => handle.close());
  } catch {
    handle.close();
  }
}

function send(message: WorkerToRouter): void {
  sendRaw(message);
}

function sendRaw(message: object): void {
  if (!process.connected || !process.send) return;
  try {
    process.send(message);
  } catch {
    // the channel closed: the primary is gone, and node:cluster exits this worker
  }
}
