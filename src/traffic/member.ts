/**
 * One worker process as the router sees it, and the way its connections reach it over its IPC
 * channel (design: docs/traffic.md, "Shape").
 *
 * lib/internal/child_process.js passes one handle-carrying message at a time on a channel: the
 * next waits (in its own queue, re-sent on each `NODE_HANDLE_ACK`) until the worker answers the
 * last one. As node:cluster's RoundRobinHandle does, we keep that wait ourselves: a member has at
 * most one connection on its way, the rest wait here in order (`backlog`) and go one per
 * `NODE_HANDLE_ACK`, so child_process never queues ours. Who gets which connection is decided
 * before (the picker, at arrival): only the moment it is written depends on the worker.
 *
 * Our copy of a handle is closed as soon as its message is written: the descriptor then travels
 * in the kernel (SCM_RIGHTS), so a taken connection needs no answer; a worker that does not take
 * it sends it back (`decline`, handled by the router).
 */
import type { Worker } from 'node:cluster';
import { TRAFFIC_CMD, type RouterToWorker } from '../protocol/traffic-ipc.js';
import { safeClose } from './conn-queue.js';
import type { RawHandle, RouteMember, RoutedSocket } from './routed-socket.js';

interface Waiting {
  socket: RoutedSocket<Member>;
  handle: RawHandle;
}

export class Member implements RouteMember {
  routable = false;
  readonly sockets = new Set<RoutedSocket<Member>>();
  /** Handles given to `send` whose message is not written yet (closed if the worker exits first). */
  private readonly unwritten = new Set<RawHandle>();
  /** Our handle-carrying messages written (or being written) and not answered by the worker's `NODE_HANDLE_ACK` yet. */
  private inflight = 0;
  /** Connections given to this member, waiting for the one on its way to be answered. */
  private backlog: Waiting[] = [];

  constructor(
    readonly worker: Worker,
    readonly app: string,
    readonly workerId: number,
    readonly revision: number,
  ) {}

  /** Whether some connection given to it has not reached it yet (the hand-off waits for none: Router.stopAccepting). */
  get pending(): boolean {
    return this.inflight > 0 || this.unwritten.size > 0 || this.backlog.length > 0;
  }

  /** One connection for this member: sent now, or once the worker has answered the one on its way. Counted as routed. */
  give(socket: RoutedSocket<Member>, handle: RawHandle): void {
    socket.routed(this, 1);
    if (this.inflight > 0) this.backlog.push({ socket, handle });
    else this.send(socket, handle);
  }

  /** The worker answered a handle-carrying message (`NODE_HANDLE_ACK`, or `NACK`: the handle did not arrive): the next may go. */
  answered(): void {
    if (this.inflight > 0) this.inflight--;
    if (this.inflight === 0 && this.backlog.length > 0) {
      const { socket, handle } = this.backlog.shift()!;
      this.send(socket, handle);
    }
  }

  /** The worker exited: out of every socket; what it never got is closed (written) or routed elsewhere (waiting). */
  detach(): void {
    for (const socket of this.sockets) socket.remove(this);
    // Handles given to child_process and not written: the client sees the end at once and may retry.
    for (const handle of this.unwritten) safeClose(handle);
    this.unwritten.clear();
    this.inflight = 0;
    this.reroute();
  }

  private send(socket: RoutedSocket<Member>, handle: RawHandle): void {
    this.unwritten.add(handle);
    this.inflight++;
    const sent = send(this.worker, { cmd: TRAFFIC_CMD, act: 'conn', key: socket.key }, handle, (err) => {
      // Not in the set: the worker exited first and detach() closed it.
      if (!this.unwritten.delete(handle)) return;
      if (!err) return safeClose(handle);
      this.unsent(socket, handle);
    });
    if (!sent && this.unwritten.delete(handle)) this.unsent(socket, handle);
  }

  /** The channel could not take it: this member is gone for the socket; the connection, and those waiting, go to others. */
  private unsent(socket: RoutedSocket<Member>, handle: RawHandle): void {
    if (this.inflight > 0) this.inflight--;
    socket.routed(this, -1);
    socket.remove(this);
    socket.dispatch(handle);
    this.reroute();
  }

  private reroute(): void {
    const waiting = this.backlog;
    this.backlog = [];
    for (const { socket, handle } of waiting) {
      socket.routed(this, -1);
      socket.dispatch(handle);
    }
  }
}

/**
 * False only when the message cannot be sent (channel gone). `process.send` returning false
 * means "backlogged", not "lost": the message is queued and will be written.
 */
export function send(worker: Worker, message: RouterToWorker, handle?: RawHandle, written?: (err: Error | null) => void): boolean {
  if (!worker.isConnected()) return false;
  try {
    (worker.process.send as (m: unknown, h?: unknown, cb?: (err: Error | null) => void) => boolean)(message, handle, written);
    return true;
  } catch {
    return false;
  }
}

/** child_process's answer to a message that carried a handle (lib/internal/child_process.js). */
export function isHandleAnswer(message: unknown): boolean {
  const cmd = (message as { cmd?: unknown } | null)?.cmd;
  return cmd === 'NODE_HANDLE_ACK' || cmd === 'NODE_HANDLE_NACK';
}
