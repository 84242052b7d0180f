/**
 * A bounded load generator for integration tests (autocannon, 127.0.0.1 only): runs while
 * `during()` does its work, then stops and reports every failed request.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface AutocannonResult {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  '2xx': number;
}
interface AutocannonInstance {
  stop(): void;
  on(event: 'done', fn: (r: AutocannonResult) => void): void;
}
const autocannon = require('autocannon') as (opts: Record<string, unknown>, cb?: (err: Error | null, r: AutocannonResult) => void) => AutocannonInstance;

export interface LoadReport {
  requests: number;
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Everything that was not a 2xx answer. */
  failed: number;
}

export interface LoadOptions {
  port: number;
  /** A unix path to send the requests to instead of the port. */
  socketPath?: string;
  connections?: number;
  /** Send `Connection: close` on every request instead of keeping connections alive. */
  close?: boolean;
  /** Hard bound on the load's duration (s). */
  maxSeconds?: number;
}

export async function underLoad<T>(options: LoadOptions, during: () => Promise<T>): Promise<{ value: T; load: LoadReport }> {
  const headers: Record<string, string> = options.close ? { connection: 'close' } : {};
  let finish!: (r: AutocannonResult) => void;
  const done = new Promise<AutocannonResult>((resolve) => (finish = resolve));
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${options.port}/`,
      ...(options.socketPath ? { socketPath: options.socketPath } : {}),
      connections: options.connections ?? 24,
      pipelining: 1,
      duration: options.maxSeconds ?? 240,
      timeout: 10,
      headers,
    },
    (err, r) => {
      if (err) throw err;
      finish(r);
    },
  );
  // Let the load reach its pace before the work starts.
  await new Promise((r) => setTimeout(r, 300));
  let value: T;
  try {
    value = await during();
  } finally {
    instance.stop();
  }
  const r = await done;
  const report: LoadReport = {
    requests: r.requests.total,
    ok: r['2xx'],
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    failed: r.errors + r.non2xx,
  };
  return { value, load: report };
}
