/**
 * What became of the HTTP requests this worker received (issue 12 item 1): per response its
 * status class and its duration (request received → response 'finish'), per connection that
 * ends with a request unanswered a reset or a timeout; cumulative since the worker started
 * (src/protocol/outcomes.ts), sent with every report.
 *
 * Per request: a mark on the response (from the 'request' listener servers.ts prepends
 * anyway); per answer: Node's own 'http.server.response.finish' diagnostics channel, one
 * subscriber for the whole process — no listener and no closure per request. Per connection:
 * nothing more than servers.ts's 'close' listener, which asks {@link OutcomeCounter.closed};
 * a `'timeout'` listener only on the connections of a server with `server.timeout` set.
 *
 * Status classes, resets and timeouts are counted for every request. Durations are timed for
 * every request while a worker receives up to {@link TIMED_PER_SECOND} a second; above that, for
 * one request in `every` (a power of two, at most {@link MAX_EVERY}), picked at random intervals
 * averaging `every`, and each timed one counts `every` times in the histogram and the sum. The two
 * clock reads were most of what timing cost per request (bench/RESULTS.md section 25); a busy
 * worker still times ~1,000 requests a second, which a p99 over a canary step needs, and the
 * histogram's count stays an unbiased estimate of the responses.
 */
import diagnostics from 'node:diagnostics_channel';
import type http from 'node:http';
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { CODE_CLASSES, DURATION_BUCKETS_S, emptyOutcomes, type RequestOutcomes } from '../protocol/outcomes.js';

/**
 * When the request of a response was received (performance.now() ms), or {@link UNTIMED} for a
 * request received but not timed, or {@link COUNTED} once its outcome is counted.
 */
const STARTED = Symbol('hotctl.requestStartedMs');
const UNTIMED = -2;
const COUNTED = -1;
/** Up to this many requests a second, each one is timed; above it, one in `every` (see above). */
export const TIMED_PER_SECOND = 1024;
/** The sparsest timing: one request in 64. */
export const MAX_EVERY = 64;
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
  private subscribed = false;
  /** One request in `every` is timed (1: each one); chosen by {@link repace}. */
  private every = 1;
  /** Requests to receive until the next timed one (1: the next one). */
  private countdown = 1;
  /** Requests received since {@link windowStartMs}. */
  private windowRequests = 0;
  private windowStartMs = performance.now();
  /** xorshift32 state, for the random gaps between timed requests. */
  private random = 0x9e3779b9;
  private readonly onFinish = (message: unknown): void => {
    const res = (message as { response: TimedResponse }).response;
    const started = res[STARTED];
    if (started === undefined || started === COUNTED) return;
    res[STARTED] = COUNTED;
    const hundreds = (res.statusCode / 100) | 0;
    this.classes[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 4]!++;
    if (started === UNTIMED) return;
    const seconds = (performance.now() - started) / 1000;
    this.durationSumS += seconds * this.every;
    let i = 0;
    while (i < LAST_BUCKET && seconds > DURATION_BUCKETS_S[i]!) i++;
    this.buckets[i]! += this.every;
  };

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

  /** Starts listening for finished responses (once per process). */
  start(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    diagnostics.subscribe('http.server.response.finish', this.onFinish);
  }

  /** A request was received: its response is counted, and timed from now if its turn has come. */
  received(res: http.ServerResponse): void {
    this.windowRequests++;
    if (--this.countdown > 0) {
      (res as TimedResponse)[STARTED] = UNTIMED;
      return;
    }
    (res as TimedResponse)[STARTED] = performance.now();
    this.countdown = this.every === 1 ? 1 : 1 + (this.nextRandom() % (2 * this.every - 1));
  }

  /**
   * Chooses how many requests to time from now on, from the rate received since the last call;
   * the worker's 1 Hz report calls it (report.ts). Without reports every request is timed.
   */
  repace(): void {
    const now = performance.now();
    if (now - this.windowStartMs <= 0) return;
    const perSecond = (this.windowRequests * 1000) / (now - this.windowStartMs);
    let every = 1;
    while (every < MAX_EVERY && perSecond / every > TIMED_PER_SECOND) every *= 2;
    this.every = every;
    if (this.countdown > 2 * every) this.countdown = 1;
    this.windowRequests = 0;
    this.windowStartMs = now;
  }

  /** A uniform-enough 32-bit unsigned integer (xorshift32); the gaps only need to not be periodic. */
  private nextRandom(): number {
    let x = this.random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.random = x;
    return x >>> 0;
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
    const started = res?.[STARTED];
    if (res === undefined || started === undefined || started === COUNTED) return;
    res[STARTED] = COUNTED;
    if ((socket as CountedSocket)[TIMED_OUT] === true || (socket.errored as NodeJS.ErrnoException | null)?.code === REQUEST_TIMEOUT_CODE) this.timeouts++;
    else this.resets++;
  }
}
