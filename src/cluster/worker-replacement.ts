/**
 * Replacing one serving worker gracefully (max_memory_restart, unresponsive): its successor —
 * same instance, same revision — is ready before it drains. If the successor fails, the worker
 * keeps serving.
 */
import type { WorkerPool } from './worker-pool.js';
import type { ManagedWorker } from './worker-state.js';
import { isComingUpWorker, isUpWorker } from '../protocol/index.js';

export class WorkerReplacement {
  private readonly replacing = new Set<number>();

  constructor(
    private readonly pool: WorkerPool,
    /** The supervisor's writer of roles: the successor serves. */
    private readonly serve: (workers: readonly ManagedWorker[]) => void,
  ) {}

  /** Resolves true once `worker` is replaced; false when skipped (`busy`: an operation runs and replaces workers itself) or its successor failed. */
  async replace(worker: ManagedWorker, reason: string, busy: boolean): Promise<boolean> {
    if (busy || this.replacing.has(worker.id) || !isUpWorker(worker.state) || worker.role !== 'serving') return false;
    this.replacing.add(worker.id);
    try {
      const successor = this.pool.spawn(worker.instance, worker.deployed, 'candidate');
      const ready = await this.pool.waitFor(() => {
        if (successor.state === 'ready') return true;
        return isComingUpWorker(successor.state) ? undefined : false;
      });
      if (!ready) return false;
      this.serve([successor]);
      this.pool.retire(worker, reason);
      return true;
    } finally {
      this.replacing.delete(worker.id);
    }
  }
}
