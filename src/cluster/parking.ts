/**
 * The parked generation of one app and its rollback window (issue 11, item 3; docs/traffic.md,
 * "Parking"). After a surge reload of an app whose listens the primary routes, the previous
 * generation is not drained: its workers move `ready → parked` — alive, given no new connection
 * by the router, their kept-alive clients asked to move with `Connection: close` — for
 * `rollback_window`. Within it, a rollback (asked, or because a new worker crashed or hung)
 * makes the same processes serve again (`parked → ready`); when it ends, or another operation
 * starts, they drain as any retired worker does.
 *
 * ```
 *   old gen  ████████████░░░░░░░░░░░░░░░░░░░░░░▒▒▒░        ░ parked (alive, unrouted)
 *   new gen      forking─starting─ready███████████████       ▒ draining
 *                                      └ rollback_window ┘
 * ```
 * This class is the one writer of that fact (which workers are parked, until when); the worker
 * states themselves go through the pool (worker-pool.ts `park`, `retire`).
 */
import type { Revision } from './revision.js';
import type { WorkerPool } from './worker-pool.js';
import type { Clock, ManagedWorker, TimerHandle } from './worker-state.js';

export interface ParkedGeneration {
  readonly revision: Revision;
  readonly workers: readonly ManagedWorker[];
  readonly sinceMs: number;
  readonly untilMs: number;
}

export class Parking {
  private parked: ParkedGeneration | null = null;
  private timer: TimerHandle | null = null;
  /** A generation whose window {@link drainSoon} ended, its workers not retired yet. */
  private ending: { workers: readonly ManagedWorker[]; reason: string } | null = null;

  constructor(
    private readonly pool: Pick<WorkerPool, 'park' | 'retire'>,
    private readonly clock: Clock,
    /** Anything worth persisting or showing changed. */
    private readonly changed: () => void,
  ) {}

  /** The parked generation, within its window; null when none. */
  get generation(): ParkedGeneration | null {
    return this.parked;
  }

  /** Parks the ready workers of `workers` (of `revision`) for `windowMs`; returns those parked. */
  park(revision: Revision, workers: readonly ManagedWorker[], windowMs: number): ManagedWorker[] {
    this.drain('a newer generation is parked');
    const parked = workers.filter((w) => w.state === 'ready');
    if (parked.length === 0) return [];
    for (const w of parked) this.pool.park(w, true, `parked for the rollback window (${windowMs} ms)`);
    const now = this.clock.now();
    this.parked = { revision, workers: parked, sinceMs: now, untilMs: now + windowMs };
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.drain(`rollback window over (${windowMs} ms)`);
    }, windowMs);
    this.changed();
    return parked;
  }

  /** Every worker transition: a parked worker that died ends the window (the others drain). */
  seen(worker: ManagedWorker): void {
    const generation = this.parked;
    if (!generation?.workers.includes(worker) || (worker.state !== 'crashed' && worker.state !== 'exited')) return;
    // Deferred: not from inside that worker's transition.
    setImmediate(() => {
      if (this.parked === generation) this.drain(`parked worker ${worker.id} exited`);
    });
  }

  /** Whether every parked worker is still parked (one that died ends the window). */
  intact(): boolean {
    return this.parked !== null && this.parked.workers.every((w) => w.state === 'parked');
  }

  /** The parked workers serve again (routed again): returns the generation, no longer parked. */
  unpark(reason: string): ParkedGeneration | null {
    const generation = this.take();
    for (const w of generation?.workers ?? []) this.pool.park(w, false, reason);
    return generation;
  }

  /** The parked generation drains now (graceful, the app's shutdown code runs). */
  drain(reason: string): void {
    for (const w of this.take()?.workers ?? []) if (w.state === 'parked') this.pool.retire(w, reason);
  }

  /**
   * The window ends now (nothing can bring this generation back); its workers drain at the next
   * {@link settle}: an operation that ends the window (supervisor.ts `run`) forks its new workers
   * first, then they drain (their transitions, events and shutdown messages were ~1–3 ms of
   * every reload's path to the fork: bench/RESULTS.md, section 33).
   */
  drainSoon(reason: string): void {
    const workers = this.take()?.workers ?? [];
    if (workers.length > 0) this.ending = { workers, reason };
  }

  /** The workers of a window ended by {@link drainSoon} drain now (those still parked); a no-op otherwise. */
  settle(): void {
    const ending = this.ending;
    this.ending = null;
    for (const w of ending?.workers ?? []) if (w.state === 'parked') this.pool.retire(w, ending!.reason);
  }

  private take(): ParkedGeneration | null {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    const generation = this.parked;
    this.parked = null;
    if (generation !== null) this.changed();
    return generation;
  }
}
