/**
 * What the supervisor does by itself when one of its workers moves, outside any operation:
 * a canary worker that crashes rolls the canary back; a new worker that crashes or hangs within
 * the rollback window brings the parked generation back (instant-rollback.ts); a hung serving
 * worker is replaced (worker-replacement.ts); a parked worker that died ends the window. Each
 * reaction is deferred: never from inside another worker's transition.
 */
import type { WorkerTransitionEvent } from '../protocol/index.js';
import { faultInWindow } from './instant-rollback.js';
import type { OperationRequest } from './op-steps.js';
import type { Parking } from './parking.js';
import type { CanaryHold } from './rollout.js';
import type { ManagedWorker } from './worker-state.js';

export interface ReactionHooks {
  canary(): CanaryHold | null;
  activeRevision(): number;
  /** Whether an operation runs on the app. */
  busy(): boolean;
  rollback(request: OperationRequest & { wait?: boolean }): void;
  replace(worker: ManagedWorker, reason: string): void;
}

export class WorkerReactions {
  constructor(
    private readonly parking: Parking,
    private readonly hooks: ReactionHooks,
  ) {}

  seen(event: WorkerTransitionEvent, worker: ManagedWorker): void {
    const h = this.hooks;
    // A canary worker that crashes while the canary holds rolls the canary back by itself.
    // (During promote the operation itself sees the crash and rolls back.)
    if (event.to === 'crashed' && h.canary()?.workers.includes(worker) && !h.busy()) {
      setImmediate(() => {
        if (h.canary()?.workers.includes(worker)) h.rollback({ wait: true, reason: `canary worker ${worker.id} crashed (${event.reason})` });
      });
    }
    this.parking.seen(worker);
    const fault = faultInWindow(this.parking.generation, event, worker, h.activeRevision());
    if (fault) {
      setImmediate(() => {
        if (!h.busy() && this.parking.intact()) h.rollback({ reason: fault.message, fault });
      });
    } else if (event.to === 'unresponsive' && worker.role === 'serving') {
      // A hung worker is replaced: its successor ready first, then it is killed (pool.retire).
      setImmediate(() => h.replace(worker, event.reason));
    }
  }
}
