/**
 * Periodic measurements only the inside of a worker can make, sent to the primary.
 */
import type { WorkerReport } from '../protocol/worker-ipc.js';
import { LoopDelay } from './loop-delay.js';
import { countersStill, measuresClose, QUIET_AFTER_REPORTS, QUIET_CHECK_EVERY, quietSince } from './quiet.js';
import { everyQuietly } from './quiet-timer.js';
import type { ServerRegistry } from './servers.js';

export const DEFAULT_REPORT_INTERVAL_MS = 1000;

/** The heartbeat's period when reports are off (reports are heartbeats themselves). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

/** What a worker with reports on does when it has nothing new to say (quiet.ts). */
export interface QuietOptions {
  /** Its heartbeat's period while quiet (ms); 0: it never goes quiet, reports every interval as before. */
  heartbeatMs: number;
}

/**
 * Starts reporting every `intervalMs`; with reports off (0), sends a bare heartbeat every
 * `heartbeat.intervalMs` instead (0: neither). A timer that stops firing is how the primary sees
 * a hung event loop. With `quiet.heartbeatMs`, an idle worker goes quiet (quiet.ts): no reports,
 * `heartbeat.send` every `quiet.heartbeatMs` (a report instead when its heap or delay moved), until
 * a connection wakes it; the event-loop delay monitor runs only while it reports (loop-delay.ts).
 * Returns a function that stops it.
 */
export function startReports(
  intervalMs: number,
  servers: ServerRegistry,
  send: (report: WorkerReport) => void,
  heartbeat: { intervalMs: number; send: () => void } = { intervalMs: 0, send: () => {} },
  quiet: QuietOptions = { heartbeatMs: 0 },
): () => void {
  if (!(intervalMs > 0)) {
    if (!(heartbeat.intervalMs > 0)) return () => {};
    const beat = setInterval(heartbeat.send, heartbeat.intervalMs);
    beat.unref();
    return () => clearInterval(beat);
  }
  /** The last report sent: what the primary holds. */
  let last: WorkerReport | null = null;
  // Node's delay monitor while the worker reports; off (and freed) while it is quiet (loop-delay.ts).
  const delay = new LoopDelay();
  delay.wake();
  const measure = (): WorkerReport => {
    const heap = process.memoryUsage();
    const outcomes = servers.outcomes;
    const figures = delay.figures();
    return {
      heapUsedBytes: heap.heapUsed,
      heapTotalBytes: heap.heapTotal,
      eventLoopDelayP50Ms: figures.p50Ms,
      eventLoopDelayP99Ms: figures.p99Ms,
      requestsInFlight: servers.requestsInFlight,
      requestsServed: servers.requestsServed,
      connectionsOpen: servers.connectionsOpen,
      ...(outcomes ? { outcomes } : {}),
    };
  };
  /** Sends a report: what the primary holds from now on. */
  const sendReport = (now: WorkerReport): void => {
    last = now;
    delay.reported();
    send(now);
  };
  /** Reports in a row that said the same as the one before (quiet.ts). */
  let same = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopQuiet: (() => void) | null = null;
  let beats = 0;

  const report = (now: WorkerReport): void => {
    same = last !== null && quiet.heartbeatMs > 0 && quietSince(last, now) ? same + 1 : 0;
    sendReport(now);
  };
  const tick = (): void => {
    report(measure());
    if (same >= QUIET_AFTER_REPORTS) goQuiet();
  };
  const startTicking = (): void => {
    timer = setInterval(tick, intervalMs);
    timer.unref();
  };
  const goQuiet = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    beats = 0;
    delay.sleep(quiet.heartbeatMs);
    stopQuiet = everyQuietly(quiet.heartbeatMs, quietBeat);
    servers.onNextConnection(wake);
  };
  // The check stays inline: a function this short on its own (under 81 bytes of bytecode) would be
  // marked for TurboFan as soon as its budget runs out, after ~1,500 heartbeats instead of ~1,600
  // (bench/worker-tierup.mjs; bench/RESULTS.md section 30a).
  const quietBeat = (): void => {
    if (++beats % QUIET_CHECK_EVERY === 0) {
      delay.window(QUIET_CHECK_EVERY);
      const now = measure();
      if (last === null || !countersStill(last, now)) return wake(now);
      // Heap or delay moved (the app's own timers, a busy CPU): the primary learns it, quiet still.
      if (!measuresClose(last, now)) return sendReport(now);
    }
    heartbeat.send();
  };
  /** A connection arrived (or a counter moved): a report now, and every interval again. */
  const wake = (now?: WorkerReport): void => {
    if (stopQuiet === null) return;
    stopQuiet();
    stopQuiet = null;
    servers.onNextConnection(null);
    same = 0;
    // Woken between two heartbeats: how late the one under way is already counts.
    if (now === undefined) delay.window(beats % QUIET_CHECK_EVERY, true);
    delay.wake();
    report(now ?? measure());
    startTicking();
  };

  startTicking();
  return () => {
    if (timer !== null) clearInterval(timer);
    stopQuiet?.();
    servers.onNextConnection(null);
    delay.stop();
  };
}

export function reportIntervalMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_REPORT_INTERVAL_MS;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_REPORT_INTERVAL_MS;
}
