/**
 * Follows operations started with `follow: true` until each reaches `succeeded` or `failed`.
 *
 * The daemon may push an operation's first events before it answers the request that started
 * it, so events are buffered until the answer names the operation. Should events stop coming
 * (a daemon that does not push them, a missed one), the operation is polled after a quiet spell.
 * If the connection closes first, every wait is rejected: the operation itself carries on in
 * the daemon.
 */
import type { DaemonEvent, OperationEvent, OperationSnapshot, WorkerTransitionEvent } from '../protocol/index.js';
import { HotctlError } from '../protocol/errors.js';
import { isTerminalOperationState } from '../protocol/states.js';
import type { ControlClient } from './client.js';
import type { Output } from './output.js';
import { ProgressRenderer, type ProgressOptions } from './render/progress.js';

/** After this long without news of an operation, ask the daemon for it. */
const POLL_AFTER_MS = 5000;

/** The events that tell of an operation's progress (others, e.g. metrics, are not followed). */
type ProgressEvent = WorkerTransitionEvent | OperationEvent;

interface Watched {
  latest: OperationSnapshot;
  lastNewsMs: number;
  resolve(op: OperationSnapshot): void;
  reject(err: HotctlError): void;
}

function isTerminal(op: OperationSnapshot): boolean {
  return isTerminalOperationState(op.state);
}

export class OperationFollower {
  private readonly watched = new Map<string, Watched>();
  private buffered: ProgressEvent[] = [];
  private readonly renderer: ProgressRenderer;
  private readonly stopEvents: () => void;
  private readonly stopClose: () => void;
  private readonly pollTimer: NodeJS.Timeout;
  private closedWith: HotctlError | null = null;

  constructor(
    private readonly client: ControlClient,
    private readonly out: Output,
    options: { showApp?: boolean; describe?: ProgressOptions['describe']; earlier?: readonly DaemonEvent[] } = {},
  ) {
    const progress: ProgressOptions = { colours: out.colours, showApp: options.showApp ?? false };
    if (options.describe) progress.describe = options.describe;
    this.renderer = new ProgressRenderer((line) => out.line(line), progress);
    // Events the connection received before this follower existed (fast-operation.ts sends its
    // request first, then loads this module): taken in order, as if they had just arrived.
    for (const event of options.earlier ?? []) this.onEvent(event);
    this.stopEvents = client.onEvent((event) => this.onEvent(event));
    this.stopClose = client.onClose((err) => this.onClose(err));
    this.pollTimer = setInterval(() => this.pollQuiet(), 1000);
  }

  /** Prefix progress lines with the app's name (when several apps move at once). */
  set showApp(value: boolean) {
    this.renderer.showApp = value;
  }

  /** Resolves with the operation's terminal snapshot. `answer` is the snapshot the request returned. */
  watch(answer: OperationSnapshot): Promise<OperationSnapshot> {
    return new Promise((resolve, reject) => {
      const entry: Watched = { latest: answer, lastNewsMs: Date.now(), resolve, reject };
      this.watched.set(answer.id, entry);
      this.apply(entry, answer);
      const early = this.buffered.filter((e) => this.belongsTo(e, answer));
      this.buffered = this.buffered.filter((e) => !early.includes(e));
      for (const event of early) this.handle(event, entry);
      if (this.closedWith && !isTerminal(entry.latest)) reject(this.lostConnection(entry.latest));
    });
  }

  /** Stops listening; call once every watch has settled. */
  dispose(): void {
    clearInterval(this.pollTimer);
    this.stopEvents();
    this.stopClose();
  }

  private onEvent(event: DaemonEvent): void {
    if (event.kind !== 'worker' && event.kind !== 'operation') return;
    if (this.out.json) this.out.jsonLine({ event: event.kind, data: event });
    for (const entry of this.watched.values()) {
      if (this.belongsTo(event, entry.latest)) {
        this.handle(event, entry);
        return;
      }
    }
    this.buffered.push(event);
  }

  private belongsTo(event: ProgressEvent, op: OperationSnapshot): boolean {
    if (event.kind === 'operation') return event.operation.id === op.id;
    return event.app === op.app && !isTerminal(op);
  }

  private handle(event: ProgressEvent, entry: Watched): void {
    entry.lastNewsMs = Date.now();
    if (event.kind === 'worker') {
      if (!this.out.json) this.renderer.worker(event, entry.latest);
      return;
    }
    this.apply(entry, event.operation);
  }

  private apply(entry: Watched, op: OperationSnapshot): void {
    // Keep the newest: a snapshot never moves back from terminal, and duration only grows.
    const current = entry.latest;
    const newer = isTerminal(op) || (!isTerminal(current) && op.duration_ms >= current.duration_ms);
    if (newer) entry.latest = op;
    if (!this.out.json) this.renderer.update(op);
    if (isTerminal(entry.latest)) {
      entry.resolve(entry.latest);
    }
  }

  private pollQuiet(): void {
    const now = Date.now();
    for (const entry of this.watched.values()) {
      if (isTerminal(entry.latest) || now - entry.lastNewsMs < POLL_AFTER_MS) continue;
      entry.lastNewsMs = now;
      this.client.request('operation', { id: entry.latest.id }, { timeoutMs: POLL_AFTER_MS }).then(
        (op) => this.apply(entry, op),
        () => {
          // The close handler reports a lost connection; a failed poll is retried later.
        },
      );
    }
  }

  private onClose(err: HotctlError): void {
    this.closedWith = err;
    for (const entry of this.watched.values()) {
      if (!isTerminal(entry.latest)) entry.reject(this.lostConnection(entry.latest));
    }
  }

  private lostConnection(op: OperationSnapshot): HotctlError {
    return new HotctlError('E_DAEMON_UNREACHABLE', `Lost the connection to the daemon while ${op.kind} ${op.app} was ${op.state}.`, {
      hint: `The operation carries on in the daemon; \`hotctl status\` shows how it ends (operation ${op.id}).`,
    });
  }
}
