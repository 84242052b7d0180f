/**
 * Request outcomes (issue 12): what became of the requests a worker, or a whole revision,
 * received. Counted in the worker's runtime, cumulative since that worker started, sent with its
 * reports; summed per revision in the primary, continuous across worker replacements. A window
 * (a canary step) is the difference of two cumulative snapshots.
 *
 * The duration histogram has fixed buckets, so that counts of different workers and different
 * moments add and subtract exactly; a quantile is read from it by linear interpolation within
 * its bucket.
 */

/** Status classes of HTTP responses. */
export const CODE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type CodeClass = (typeof CODE_CLASSES)[number];

/**
 * Upper bounds, in seconds, of the request-duration histogram's buckets (a bucket holds the
 * durations d with previous bound < d <= bound); one more bucket, past the last bound, holds
 * the rest (Prometheus' `+Inf`).
 */
export const DURATION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1, 2.5, 5, 10] as const;

export interface RequestOutcomes {
  /** Responses finished, by status class. */
  responses: Record<CodeClass, number>;
  /** Connections that ended with a request received and not answered: closed or reset by the peer, or errored. */
  resets: number;
  /** Connections closed by a server timeout (requestTimeout, headersTimeout, server.timeout) with a request unanswered. */
  timeouts: number;
  /** Responses per duration bucket: DURATION_BUCKETS_S.length + 1 counts (not cumulative), the last one past the last bound. */
  duration_buckets: number[];
  /** The sum of the responses' durations, in seconds (request received → response finished). */
  duration_sum_s: number;
}

export function emptyOutcomes(): RequestOutcomes {
  return { responses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, resets: 0, timeouts: 0, duration_buckets: new Array<number>(DURATION_BUCKETS_S.length + 1).fill(0), duration_sum_s: 0 };
}

/** The class of an HTTP status code (a code outside 100–599 counts as 5xx: the server misbehaved). */
export function codeClassOf(status: number): CodeClass {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? CODE_CLASSES[hundreds - 1]! : '5xx';
}

/** The bucket index of a duration in seconds. */
export function durationBucketOf(seconds: number): number {
  for (let i = 0; i < DURATION_BUCKETS_S.length; i++) if (seconds <= DURATION_BUCKETS_S[i]!) return i;
  return DURATION_BUCKETS_S.length;
}

/** `into` += `add` (in place; returns `into`). */
export function addOutcomes(into: RequestOutcomes, add: RequestOutcomes): RequestOutcomes {
  for (const c of CODE_CLASSES) into.responses[c] += add.responses[c] ?? 0;
  into.resets += add.resets;
  into.timeouts += add.timeouts;
  for (let i = 0; i < into.duration_buckets.length; i++) into.duration_buckets[i]! += add.duration_buckets[i] ?? 0;
  into.duration_sum_s += add.duration_sum_s;
  return into;
}

/** What happened between two cumulative snapshots of the same counters: `now` − `before` (a new object). */
export function outcomesSince(now: RequestOutcomes, before: RequestOutcomes): RequestOutcomes {
  const out = emptyOutcomes();
  for (const c of CODE_CLASSES) out.responses[c] = Math.max(0, now.responses[c] - before.responses[c]);
  out.resets = Math.max(0, now.resets - before.resets);
  out.timeouts = Math.max(0, now.timeouts - before.timeouts);
  out.duration_buckets = out.duration_buckets.map((_, i) => Math.max(0, (now.duration_buckets[i] ?? 0) - (before.duration_buckets[i] ?? 0)));
  out.duration_sum_s = Math.max(0, now.duration_sum_s - before.duration_sum_s);
  return out;
}

/** Responses finished, all classes. */
export function responsesOf(o: RequestOutcomes): number {
  return CODE_CLASSES.reduce((sum, c) => sum + o.responses[c], 0);
}

/** Requests: every response, and every request that ended in a reset or a timeout unanswered. */
export function requestsOf(o: RequestOutcomes): number {
  return responsesOf(o) + o.resets + o.timeouts;
}

/** Errors over requests: 5xx responses, resets and timeouts (0 without requests). */
export function errorRateOf(o: RequestOutcomes): number {
  const requests = requestsOf(o);
  return requests === 0 ? 0 : (o.responses['5xx'] + o.resets + o.timeouts) / requests;
}

/**
 * The `q` quantile (0 < q <= 1) of the responses' durations, in seconds, interpolated linearly
 * within its bucket (the bucket past the last bound reads as that bound); null without responses.
 */
export function durationQuantileS(o: RequestOutcomes, q: number): number | null {
  const total = o.duration_buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < o.duration_buckets.length; i++) {
    const n = o.duration_buckets[i]!;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : DURATION_BUCKETS_S[i - 1]!;
      const upper = i < DURATION_BUCKETS_S.length ? DURATION_BUCKETS_S[i]! : DURATION_BUCKETS_S[DURATION_BUCKETS_S.length - 1]!;
      return lower + (upper - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return DURATION_BUCKETS_S[DURATION_BUCKETS_S.length - 1]!;
}
