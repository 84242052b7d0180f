/**
 * `max_memory_restart`: which workers to replace after a metrics tick. A worker whose resident
 * memory is above its app's limit is replaced (Supervisor.replaceWorker: its successor ready
 * first, then it drains); a worker gone since the sample, or an app without a limit, is left.
 *
 * Pure: the daemon feeds it each tick and carries out what it returns.
 */
import type { WorkerMetrics } from '../protocol/index.js';

/** What the policy needs to know of an app: its limit, and the workers it still has. */
export interface MemoryPolicyApp {
  name: string;
  spec: { max_memory_restart?: number };
  pool: { workers: readonly { id: number }[] };
}

export interface MemoryRestart<A extends MemoryPolicyApp> {
  app: A;
  worker: A['pool']['workers'][number];
  /** Why, for the worker's transition and the operator. */
  reason: string;
}

/** The workers of `samples` above their app's `max_memory_restart`, each with the reason to give. */
export function memoryRestarts<A extends MemoryPolicyApp>(samples: readonly Pick<WorkerMetrics, 'app' | 'worker_id' | 'rss_bytes'>[], apps: readonly A[]): MemoryRestart<A>[] {
  const out: MemoryRestart<A>[] = [];
  for (const m of samples) {
    const app = apps.find((a) => a.name === m.app);
    const limit = app?.spec.max_memory_restart;
    if (!app || limit === undefined || m.rss_bytes <= limit) continue;
    const worker = app.pool.workers.find((w) => w.id === m.worker_id);
    if (!worker) continue;
    out.push({ app, worker, reason: `max_memory_restart: resident memory ${mb(m.rss_bytes)} is above ${mb(limit)}` });
  }
  return out;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
