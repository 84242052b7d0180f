/**
 * An operation on an app (start, reload, restart, stop, delete): a second state machine with
 * its own id, progress steps and one outcome.
 *
 * ```
 * pending ─► starting ─► awaiting_ready ─► stabilizing ─► draining_old ─► succeeded
 *    │           │             │                │              │ ▲
 *    │           └─────────────┴───────┬────────┘              │ └── (start: awaiting_ready/stabilizing ─► succeeded,
 *    │                                 │                       │      or ─► failed: a first start has nothing to roll back)
 *    │                                 ▼                       └──► starting   (restart: stop, then start)
 *    └──► draining_old (stop)     rolling_back ─► failed
 *    └──► failed (refused before anything moved)
 * ```
 * (`reload --auto`: the canary's analysis runs in `stabilizing`; its promote goes on to `starting`.)
 *
 * A reload is atomic: it either reaches `succeeded` (every new worker ready — and stable for
 * reload_hold where the old generation cannot be parked — and every old one drained or parked for
 * the rollback window, parking.ts) or `failed` after `rolling_back` (the new workers drained, the
 * old ones never touched). Nothing in between is ever a resting state.
 */
import { randomBytes } from 'node:crypto';
import type { ErrorPayload, OperationKind, OperationSnapshot, OperationState, OperationStep, WorkerState } from '../protocol/index.js';
import { TERMINAL_OPERATION_STATES } from '../protocol/index.js';
import { isoTime } from '../platform/iso-time.js';

export const OPERATION_TRANSITIONS: Readonly<Record<OperationState, readonly OperationState[]>> = {
  pending: ['starting', 'draining_old', 'failed'],
  starting: ['awaiting_ready', 'rolling_back', 'failed'],
  awaiting_ready: ['stabilizing', 'succeeded', 'rolling_back', 'failed'],
  stabilizing: ['starting', 'draining_old', 'succeeded', 'rolling_back'],
  draining_old: ['succeeded', 'starting'],
  rolling_back: ['failed'],
  succeeded: [],
  failed: [],
};

/** How many steps an operation keeps (a long crash loop must not grow it without bound). */
export const MAX_STEPS = 200;

export interface OperationListener {
  (operation: Operation, message: string | undefined): void;
}

export class Operation {
  readonly id: string;
  readonly startedMs: number;
  private stateValue: OperationState = 'pending';
  private readonly steps: OperationStep[] = [];
  private endedMs: number | null = null;
  private errorValue: ErrorPayload | null = null;
  toRevision: number | null = null;
  /** Resolves once the operation is terminal. */
  readonly finished: Promise<Operation>;
  private resolveFinished!: (op: Operation) => void;

  constructor(
    readonly app: string,
    readonly kind: OperationKind,
    readonly fromRevision: number | null,
    private readonly listener: OperationListener,
    private readonly now: () => number = Date.now,
  ) {
    this.id = `${kind}-${app}-${randomBytes(4).toString('hex')}`;
    this.startedMs = now();
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  get state(): OperationState {
    return this.stateValue;
  }

  get error(): ErrorPayload | null {
    return this.errorValue;
  }

  get terminal(): boolean {
    return TERMINAL_OPERATION_STATES.includes(this.stateValue);
  }

  /** The one writer of the operation's state. */
  transition(to: OperationState, message?: string): void {
    if (!OPERATION_TRANSITIONS[this.stateValue].includes(to)) {
      throw new Error(`hotctl bug: operation ${this.id} cannot move from ${this.stateValue} to ${to}`);
    }
    this.stateValue = to;
    if (message !== undefined) this.pushStep(message);
    if (this.terminal) this.endedMs = this.now();
    this.listener(this, message);
    if (this.terminal) this.resolveFinished(this);
  }

  /** Ends the operation as failed. Call it from `rolling_back` once the new workers are gone, or directly when there is nothing to roll back. */
  fail(error: ErrorPayload, message: string): void {
    this.errorValue = error;
    this.transition('failed', message);
  }

  /**
   * Ends the operation as failed from any state, bypassing the table. Only for an internal
   * error (a bug in hotctl), so that no operation is ever left hanging.
   */
  abort(error: ErrorPayload, message: string): void {
    if (this.terminal) return;
    this.errorValue = error;
    this.stateValue = 'failed';
    this.pushStep(message);
    this.endedMs = this.now();
    this.listener(this, message);
    this.resolveFinished(this);
  }

  /** Records progress without changing state. */
  step(message: string, worker?: { id: number; pid: number | null; state: WorkerState }): void {
    this.pushStep(message, worker);
    this.listener(this, message);
  }

  snapshot(): OperationSnapshot {
    const end = this.endedMs ?? this.now();
    return {
      id: this.id,
      app: this.app,
      kind: this.kind,
      state: this.stateValue,
      from_revision: this.fromRevision,
      to_revision: this.toRevision,
      started_at: isoTime(this.startedMs),
      ended_at: this.endedMs === null ? null : isoTime(this.endedMs),
      duration_ms: end - this.startedMs,
      steps: this.steps.slice(),
      error: this.errorValue,
    };
  }

  private pushStep(message: string, worker?: { id: number; pid: number | null; state: WorkerState }): void {
    const now = this.now();
    const step: OperationStep = { at: isoTime(now), message, elapsed_ms: now - this.startedMs };
    if (worker) {
      step.worker_id = worker.id;
      step.pid = worker.pid;
      step.state = worker.state;
    }
    this.steps.push(step);
    if (this.steps.length > MAX_STEPS) this.steps.splice(1, this.steps.length - MAX_STEPS);
  }
}
