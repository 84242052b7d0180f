/**
 * One app's revisions: the history, which one is active, and the number of the next. The
 * supervisor owns one; it alone settles outcomes (through revision.ts' table) and moves the
 * active revision.
 */
import type { AppSpec, CanaryStepRecord, ErrorPayload } from '../protocol/index.js';
import { userInfo } from 'node:os';
import type { Revision, ScriptFacts } from './revision.js';
import { revisionInfo, settleOutcome } from './revision.js';

/** Revisions kept per app. */
export const MAX_REVISIONS = 100;

export interface HistoryRecord {
  active_revision: number;
  next_revision: number;
  revisions: Revision[];
}

export class RevisionHistory {
  private readonly list: Revision[];
  private activeNo: number;
  private nextNumber: number;

  constructor(record?: HistoryRecord) {
    this.list = record?.revisions ?? [];
    this.activeNo = record?.active_revision ?? 0;
    this.nextNumber = record?.next_revision ?? 1;
  }

  /** The active revision's number; 0 before the first start. */
  get activeNumber(): number {
    return this.activeNo;
  }

  get revisions(): readonly Revision[] {
    return this.list;
  }

  active(): Revision | undefined {
    return this.list.find((r) => r.number === this.activeNo);
  }

  /** A new `pending` revision from a spec and the facts read from its files. */
  add(spec: AppSpec, facts: ScriptFacts, nowMs: number, origin: { cause: string; rollbackOf?: Revision }): Revision {
    const revision: Revision = {
      ...facts,
      number: this.nextNumber++,
      createdMs: nowMs,
      spec,
      outcome: 'pending',
      error: null,
      user: currentUser(),
      cause: origin.cause,
      rollback_of: origin.rollbackOf?.number ?? null,
    };
    this.list.push(revision);
    if (this.list.length > MAX_REVISIONS) this.list.splice(0, this.list.length - MAX_REVISIONS);
    return revision;
  }

  /**
   * `revision` becomes active; the one before it is superseded, or rolled back when this is a
   * rollback. (Run again for the active revision itself, a resumed start, it changes nothing.)
   */
  commit(revision: Revision): void {
    const previous = this.active();
    if (previous && previous !== revision && previous.outcome === 'active') settleOutcome(previous, revision.cause === 'rollback' ? 'rolled_back' : 'superseded');
    if (revision.outcome !== 'active') settleOutcome(revision, 'active');
    this.activeNo = revision.number;
  }

  /**
   * A rollback within the rollback window: `revision` (superseded, its workers parked) is active
   * again; the one active now is rolled back, with why when it broke (`error`).
   */
  restore(revision: Revision, error?: ErrorPayload): void {
    const current = this.active();
    if (current && current !== revision && current.outcome === 'active') settleOutcome(current, 'rolled_back', error);
    settleOutcome(revision, 'active');
    this.activeNo = revision.number;
  }

  /** A canary of `revision` serves beside the active one. */
  hold(revision: Revision): void {
    // Held again after a daemon restart or `hotctl update` (canary-resume.ts): already a canary.
    if (revision.outcome !== 'canary') settleOutcome(revision, 'canary');
  }

  /** A judged step of `revision`'s canary analysis (kept with the revision: `hotctl history`). */
  judged(revision: Revision, step: CanaryStepRecord): void {
    revision.canary_steps = [...(revision.canary_steps ?? []), step];
  }

  /** A held canary was retired. */
  dropCanary(revision: Revision, error?: ErrorPayload): void {
    settleOutcome(revision, 'rolled_back', error);
  }

  /** A new worker of `revision` failed: the rollout of it failed. */
  reject(revision: Revision, error: ErrorPayload): void {
    settleOutcome(revision, 'failed', error);
  }

  record(): HistoryRecord {
    return { active_revision: this.activeNo, next_revision: this.nextNumber, revisions: this.list };
  }

  infos() {
    return this.list.map(revisionInfo);
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
