/**
 * Bounded HTTP load for integration tests: `concurrency` loops of GETs on fresh connections to
 * 127.0.0.1, each answer tallied by revision and status, until stopped or until its count or time
 * bound is reached.
 */
import { get } from './harness.js';

export interface LoadResult {
  /** "revision status" → answers. */
  answers: Map<string, number>;
  /** Requests that got no answer (refused, reset, timeout). */
  failures: string[];
  total: number;
}

export function boundedLoad(port: number, options: { concurrency?: number; maxRequests?: number; maxMs?: number } = {}): { stop(): Promise<LoadResult> } {
  const { concurrency = 4, maxRequests = 40_000, maxMs = 90_000 } = options;
  let stopped = false;
  let sent = 0;
  const until = Date.now() + maxMs;
  const result: LoadResult = { answers: new Map(), failures: [], total: 0 };
  const loop = async () => {
    while (!stopped && sent < maxRequests && Date.now() < until) {
      sent++;
      try {
        const a = await get(port);
        const key = `r${String(a.json.revision)} ${a.status}`;
        result.answers.set(key, (result.answers.get(key) ?? 0) + 1);
      } catch (err) {
        result.failures.push((err as Error).message);
      }
      result.total++;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return result;
    },
  };
}

/** Answers of `revision` with `status` in a load result. */
export function answersOf(r: LoadResult, revision: number, status?: number): number {
  return [...r.answers].filter(([k]) => k.startsWith(`r${revision} `) && (status === undefined || k === `r${revision} ${status}`)).reduce((n, [, v]) => n + v, 0);
}
