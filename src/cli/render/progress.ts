/**
 * Live progress of operations as plain lines (no cursor tricks, so it reads the same in a
 * terminal, a log file and CI):
 *
 * ```
 *   [+0.12s] worker 3 (pid 1234) forking
 *   [+0.48s] worker 3 (pid 1234) ready: listening
 * ✓ reload api: revision 2 → 3 in 1.42s (2 new workers ready, 2 old drained)
 * ```
 *
 * Fed with operation snapshots (from `operation` events, the request's answer or a poll) and
 * the worker transitions of the operation's app. Each step is printed once, however many
 * snapshots repeat it.
 */
import type { OperationSnapshot, OperationStep, WorkerTransitionEvent } from '../../protocol/index.js';
import { isServingWorker, isTerminalOperationState } from '../../protocol/states.js';
import { stateColour, type Colours } from './colour.js';
import { formatSeconds } from '../../format/durations.js';

export interface ProgressOptions {
  colours: Colours;
  /** Prefix steps with the app's name (several apps at once). */
  showApp: boolean;
  /**
   * What the summary says of the revisions, when the command knows better than the snapshot
   * (a canary held, a canary retired, a scale): returns the text after `<kind> <app>`, or
   * undefined for the default (`: revision 2 → 3`).
   */
  describe?: (op: OperationSnapshot) => string | undefined;
}

/** Operations that bring up workers of a new revision and retire the old ones. */
const REPLACING: readonly OperationSnapshot['kind'][] = ['reload', 'promote', 'rollback'];

function stepKey(step: OperationStep): string {
  return `${step.at}|${step.elapsed_ms}|${step.worker_id ?? ''}|${step.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class ProgressRenderer {
  private readonly printedSteps = new Map<string, Set<string>>();
  private readonly summarised = new Set<string>();
  /** Per operation: the workers that became ready / started draining while we watched. */
  private readonly readyWorkers = new Map<string, Set<number>>();
  private readonly drainedWorkers = new Map<string, Set<number>>();
  /** Per operation: parked workers that serve again (a rollback within the rollback window: no fork). */
  private readonly unparkedWorkers = new Map<string, Set<number>>();
  /** Per operation: the workers killed at kill_timeout, and the connections they cut (null: unknown). */
  private readonly killedWorkers = new Map<string, Map<number, number | null>>();

  /** Prefix lines with the app's name (several apps at once). */
  showApp: boolean;

  constructor(
    private readonly write: (line: string) => void,
    private readonly options: ProgressOptions,
  ) {
    this.showApp = options.showApp;
  }

  /** Prints a worker transition of `op`'s app, and counts it for the summary. */
  worker(event: WorkerTransitionEvent, op: OperationSnapshot): void {
    const newRevision = op.to_revision === null || event.revision === op.to_revision;
    if (isServingWorker(event.to) && event.from === 'parked') this.remember(this.unparkedWorkers, op.id, event.worker_id);
    else if (isServingWorker(event.to) && newRevision) this.remember(this.readyWorkers, op.id, event.worker_id);
    if (event.to === 'draining' && (op.kind !== 'reload' || !newRevision)) this.remember(this.drainedWorkers, op.id, event.worker_id);
    if (event.to === 'exited' && event.connections_cut !== undefined) {
      const killed = this.killedWorkers.get(op.id) ?? new Map<number, number | null>();
      killed.set(event.worker_id, event.connections_cut);
      this.killedWorkers.set(op.id, killed);
    }
    const elapsed = Date.parse(event.at) - Date.parse(op.started_at);
    const pid = event.pid === null ? '' : `pid ${event.pid}, `;
    const reason = event.reason ? `: ${event.reason}` : '';
    const text = `worker ${event.worker_id} (${pid}r${event.revision}) ${stateColour(this.options.colours, event.to)(event.to)}${reason}`;
    this.write(this.line(op, Number.isFinite(elapsed) ? elapsed : 0, text));
  }

  /** Prints the steps of `op` not printed yet and, once it is terminal, its summary. */
  update(op: OperationSnapshot): void {
    let printed = this.printedSteps.get(op.id);
    if (!printed) {
      printed = new Set();
      this.printedSteps.set(op.id, printed);
      this.write(`${this.options.colours.bold(`${op.kind} ${op.app}`)} ${this.options.colours.dim(`(operation ${op.id})`)}`);
    }
    for (const step of op.steps) {
      const key = stepKey(step);
      if (printed.has(key)) continue;
      printed.add(key);
      if (step.state !== undefined && isServingWorker(step.state) && step.worker_id !== undefined) this.remember(this.readyWorkers, op.id, step.worker_id);
      if (step.state === 'draining' && step.worker_id !== undefined) this.remember(this.drainedWorkers, op.id, step.worker_id);
      this.write(this.stepLine(op, step));
    }
    if (isTerminalOperationState(op.state) && !this.summarised.has(op.id)) {
      this.summarised.add(op.id);
      this.write(this.summary(op));
    }
  }

  stepLine(op: OperationSnapshot, step: OperationStep): string {
    let text = step.message || step.state || '';
    if (step.worker_id !== undefined && !/^worker\b/i.test(text)) {
      const pid = step.pid !== undefined && step.pid !== null ? ` (pid ${step.pid})` : '';
      text = `worker ${step.worker_id}${pid} ${text}`.trimEnd();
    }
    return this.line(op, step.elapsed_ms, text);
  }

  private line(op: OperationSnapshot, elapsedMs: number, text: string): string {
    const app = this.showApp ? `${op.app}: ` : '';
    return `  ${this.options.colours.dim(`[+${formatSeconds(elapsedMs)}]`)} ${app}${text}`;
  }

  /** The one-line outcome of a terminal operation. */
  summary(op: OperationSnapshot): string {
    const { colours } = this.options;
    const took = formatSeconds(op.duration_ms);
    if (op.state === 'failed') {
      const cause = op.error?.details?.cause;
      const code = op.error ? ` (${op.error.code}${typeof cause === 'string' && cause !== op.error.code ? `, cause ${cause}` : ''})` : '';
      const keeps = REPLACING.includes(op.kind) && op.from_revision !== null ? `; revision ${op.from_revision} keeps serving` : '';
      return `${colours.red('✗')} ${op.kind} ${op.app} failed after ${took}${code}${keeps}`;
    }
    const ready = this.readyWorkers.get(op.id)?.size ?? 0;
    const drained = this.drainedWorkers.get(op.id)?.size ?? 0;
    const unparked = this.unparkedWorkers.get(op.id)?.size ?? 0;
    const counts: string[] = [];
    if (unparked > 0) {
      counts.push(`${plural(unparked, 'parked worker')} serve${unparked === 1 ? 's' : ''} again, no fork`);
      if (ready > 0) counts.push(`${plural(ready, 'new worker')} ready`);
      if (drained > 0) counts.push(`${drained} draining`);
    } else if (REPLACING.includes(op.kind) && ready > 0) {
      counts.push(`${plural(ready, 'new worker')} ready`);
      if (drained > 0) counts.push(`${drained} old drained`);
    } else {
      if (ready > 0) counts.push(`${plural(ready, 'worker')} ready`);
      if (drained > 0) counts.push(`${plural(drained, 'worker')} drained`);
    }
    // A worker killed at kill_timeout cut its clients off: never a bare ✓.
    const killed = [...(this.killedWorkers.get(op.id)?.values() ?? [])];
    if (killed.length > 0) {
      const cut = killed.includes(null) ? 'connections cut' : `${plural(killed.reduce<number>((n, c) => n + (c ?? 0), 0), 'connection')} cut`;
      counts.push(`${plural(killed.length, 'worker')} killed after kill_timeout, ${cut}`);
    }
    const tail = counts.length > 0 ? ` (${counts.join(', ')})` : '';
    const what = this.options.describe?.(op) ?? this.revisionText(op);
    const mark = killed.length > 0 ? colours.yellow('!') : colours.green('✓');
    return `${mark} ${op.kind} ${op.app}${what} in ${took}${tail}`;
  }

  private revisionText(op: OperationSnapshot): string {
    if (op.to_revision === null) return '';
    if (op.from_revision === null || op.from_revision === op.to_revision) return `: revision ${op.to_revision}`;
    return `: revision ${op.from_revision} → ${op.to_revision}`;
  }

  private remember(map: Map<string, Set<number>>, opId: string, workerId: number): void {
    let set = map.get(opId);
    if (!set) {
      set = new Set();
      map.set(opId, set);
    }
    set.add(workerId);
  }
}
