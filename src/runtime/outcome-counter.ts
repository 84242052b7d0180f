/**
 * What became of the HTTP requests this worker received (issue 12 item 1): per response its
 * status class and its duration (request received → response 'finish'), per connection that
 * ends with a request unanswered a reset or a timeout; cumulative since the worker started
 * (src/protocol/outcomes.ts), sent with every report.
 *
 * Per request: a timestamp on the response (from the 'request' listener servers.ts prepends
 * anyway); per answer: a wrapper of `ServerResponse.prototype.detachSocket`, installed once,
 * which Node calls once per finished response (lib/_http_server.js `resOnFinish`, right after
 * it publishes `http.server.response.finish`) — no listener and no closure per request. Not
 * that channel: a subscriber makes Node build a `{ request, response, socket, server }` message
 * per response and call it through the channel's publish loop, about 40 % of what outcomes add
 * per request in user-space instructions (bench/RESULTS.md 27). Per connection: nothing more
 * than servers.ts's 'close' listener, which asks {@link OutcomeCounter.closed}; a `'timeout'`
 * listener only on the connections of a server with `server.timeout` set.
 */
import http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { CODE_CLASSES, DURATION_BUCKETS_S, emptyOutcomes, type RequestOutcomes } from '../protocol/outcomes.js';

/** When the request of a response was received (performance.now() ms); -1 once it is counted. */
const STARTED = Symbol('hotctl.requestStartedMs');
/** A connection whose server timeout fired. */
const TIMED_OUT = Symbol('hotctl.timedOut');

type TimedResponse = http.ServerResponse & { [STARTED]?: number };
type CountedSocket = net.Socket & { [TIMED_OUT]?: boolean };

/** The code Node gives the error it destroys a connection with when `requestTimeout` passes. */
const REQUEST_TIMEOUT_CODE = 'ERR_HTTP_REQUEST_TIMEOUT';
const LAST_BUCKET = DURATION_BUCKETS_S.length;

function markTimedOut(this: CountedSocket): void {
  this[TIMED_OUT] = true;
}

export class OutcomeCounter {
  // Counted by index (status class: hundreds − 1), and turned into a RequestOutcomes when a report
  // asks: a keyed increment over five property names would be a megamorphic store per response.
  private readonly classes = [0, 0, 0, 0, 0];
  private readonly buckets = new Array<number>(LAST_BUCKET + 1).fill(0);
  private durationSumS = 0;
  private resets = 0;
  private timeouts = 0;
  private installed = false;

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

  /** Starts counting finished responses (once per counter; one wrapper per counter started). */
  start(): void {
    if (this.installed) return;
    this.installed = true;
    const counter = this;
    const detachSocket = http.ServerResponse.prototype.detachSocket;
    http.ServerResponse.prototype.detachSocket = function (this: http.ServerResponse, socket: net.Socket) {
      counter.finished(this);
      return detachSocket.call(this, socket);
    };
  }

  /** A response finished (Node is detaching it from its connection): counted once, if it was timed. */
  finished(res: http.ServerResponse): void {
    const started = (res as TimedResponse)[STARTED];
    if (started === undefined || started < 0) return;
    (res as TimedResponse)[STARTED] = -1;
    const hundreds = (res.statusCode / 100) | 0;
    this.classes[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 4]!++;
    const seconds = (performance.now() - started) / 1000;
    this.durationSumS += seconds;
    let i = 0;
    while (i < LAST_BUCKET && seconds > DURATION_BUCKETS_S[i]!) i++;
    this.buckets[i]!++;
  }

  /** A request was received: its response is timed from now. */
  received(res: http.ServerResponse): void {
    (res as TimedResponse)[STARTED] = performance.now();
  }

  /** A new connection of `server`: watched for its server timeout when it has one. */
  connected(server: net.Server, socket: net.Socket): void {
    if ((server as net.Server & { timeout?: number }).timeout! > 0) socket.once('timeout', markTimedOut);
  }

  /**
   * A connection closed; `newest` is the response to the newest request it received. Unanswered:
   * a timeout when a server timeout ended it (server.timeout, requestTimeout), else a reset (the
   * peer closed or reset it, or it errored, before the answer was written).
   */
  closed(socket: net.Socket, newest: http.ServerResponse | undefined): void {
    const res = newest as TimedResponse | undefined;
    if (res === undefined || !(res[STARTED]! >= 0)) return;
    res[STARTED] = -1;
    if ((socket as CountedSocket)[TIMED_OUT] === true || (socket.errored as NodeJS.ErrnoException | null)?.code === REQUEST_TIMEOUT_CODE) this.timeouts++;
    else this.resets++;
  }
}
