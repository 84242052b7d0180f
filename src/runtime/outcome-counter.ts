/**
 * What became of the HTTP requests this worker received (issue 12 item 1): per response its
 * status class and its duration (request received → response finished), per connection that
 * ends with a request unanswered a reset or a timeout; cumulative since the worker started
 * (src/protocol/outcomes.ts), sent with every report.
 *
 * Per request: a clock read in the `'request'` listener servers.ts prepends anyway, kept on the
 * connection, not on the response (a property added to every response after its construction
 * would give Node's own HTTP code two shapes of response to handle). Per answer: a wrapper of
 * `ServerResponse.prototype.detachSocket`, which Node calls exactly once per finished response
 * (lib/_http_server.js resOnFinish) — no listener, no closure and no message object per
 * response (the `http.server.response.finish` diagnostics channel allocates one per response
 * once it has a subscriber). Responses on one connection finish in the order of their requests,
 * so the connection keeps the time of its oldest unanswered request, and of the later ones
 * (pipelined) in a queue made only when a connection pipelines. Per connection: nothing more
 * than servers.ts's `'close'` listener, which asks {@link OutcomeCounter.closed}; a
 * `'timeout'` listener only on the connections of a server with `server.timeout` set.
 * (bench/RESULTS.md section 21: what this costs, and what the first version cost.)
 */
import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { CODE_CLASSES, DURATION_BUCKETS_S, emptyOutcomes, type RequestOutcomes } from '../protocol/outcomes.js';

/** On a connection: when its oldest unanswered request was received (performance.now() ms); -1 or absent: none. */
const STARTED = Symbol('hotctl.oldestUnansweredMs');
/** On a connection that pipelines: when each later unanswered request was received, oldest first. */
const QUEUED = Symbol('hotctl.queuedRequestsMs');
/** A connection whose server timeout fired. */
const TIMED_OUT = Symbol('hotctl.timedOut');

type CountedSocket = net.Socket & { [STARTED]?: number; [QUEUED]?: number[]; [TIMED_OUT]?: boolean };

/** The code Node gives the error it destroys a connection with when `requestTimeout` passes. */
const REQUEST_TIMEOUT_CODE = 'ERR_HTTP_REQUEST_TIMEOUT';
const LAST_BUCKET = DURATION_BUCKETS_S.length;

function markTimedOut(this: CountedSocket): void {
  this[TIMED_OUT] = true;
}

/** The counter the patched `detachSocket` reports finished responses to (the runtime makes one per process). */
let finishedTo: OutcomeCounter | null = null;

export class OutcomeCounter {
  // Counted by index (status class: hundreds − 1), and turned into a RequestOutcomes when a report
  // asks: a keyed increment over five property names would be a megamorphic store per response.
  private readonly classes = [0, 0, 0, 0, 0];
  private readonly buckets = new Array<number>(LAST_BUCKET + 1).fill(0);
  private durationSumS = 0;
  private resets = 0;
  private timeouts = 0;

  /** Cumulative since the worker started (a new object). */
  get outcomes(): RequestOutcomes {
    const o = emptyOutcomes();
    CODE_CLASSES.forEach((c, i) => (o.responses[c] = this.classes[i]!));
    o.resets = this.resets;
    o.timeouts = this.timeouts;
    o.duration_buckets = [...this.buckets];
    o.duration_sum_s = this.durationSumS;
    return o;
  }

  /** Starts counting finished responses (to the counter of the process that started last). */
  start(): void {
    const patched = finishedTo !== null;
    finishedTo = this;
    if (patched) return;
    const detachSocket = http.ServerResponse.prototype.detachSocket;
    http.ServerResponse.prototype.detachSocket = function (this: http.ServerResponse, socket: net.Socket): void {
      finishedTo!.finished(this, socket);
      detachSocket.call(this, socket);
    };
  }

  /** A request was received on `socket`: its response is timed from now. */
  received(socket: net.Socket): void {
    const s = socket as CountedSocket;
    const now = performance.now();
    if (s[STARTED]! >= 0) (s[QUEUED] ??= []).push(now);
    else s[STARTED] = now;
  }

  /** The response to the oldest unanswered request on `socket` finished (from `detachSocket`). */
  finished(res: http.ServerResponse, socket: net.Socket): void {
    const s = socket as CountedSocket;
    const started = s[STARTED];
    // Not timed: a request our 'request' listener did not see (a 'checkContinue' handler's), or one counted as a reset already.
    if (!(started! >= 0)) return;
    const queued = s[QUEUED];
    s[STARTED] = queued !== undefined && queued.length > 0 ? queued.shift()! : -1;
    const hundreds = (res.statusCode / 100) | 0;
    this.classes[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 4]!++;
    const seconds = (performance.now() - started!) / 1000;
    this.durationSumS += seconds;
    let i = 0;
    while (i < LAST_BUCKET && seconds > DURATION_BUCKETS_S[i]!) i++;
    this.buckets[i]!++;
  }

  /** A new connection of `server`: watched for its server timeout when it has one. */
  connected(server: net.Server, socket: net.Socket): void {
    if ((server as net.Server & { timeout?: number }).timeout! > 0) socket.once('timeout', markTimedOut);
  }

  /**
   * A connection closed. With a request unanswered: a timeout when a server timeout ended it
   * (server.timeout, requestTimeout), else a reset (the peer closed or reset it, or it errored,
   * before the answer was written); one per connection, however many requests it had queued.
   */
  closed(socket: net.Socket): void {
    const s = socket as CountedSocket;
    if (!(s[STARTED]! >= 0)) return;
    s[STARTED] = -1;
    const queued = s[QUEUED];
    if (queued !== undefined) queued.length = 0;
    if (s[TIMED_OUT] === true || (socket.errored as NodeJS.ErrnoException | null)?.code === REQUEST_TIMEOUT_CODE) this.timeouts++;
    else this.resets++;
  }
}
