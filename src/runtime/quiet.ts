/**
 * When an idle worker stops reporting (issue 13: a worker's RSS after a long idle).
 *
 * The 1 Hz report is the only JavaScript an idle worker runs, and after a few hundred of them V8
 * optimizes one of its functions with TurboFan, which maps ~5 MB of the node binary's compiler
 * code for good (bench/RESULTS.md, sections 26e and 30). So a worker whose reports have said the
 * same {@link QUIET_AFTER_REPORTS} times in a row, with no connection open, goes quiet: it stops
 * reporting and sends a bare heartbeat every quiet heartbeat interval (a quarter of the app's
 * heartbeat_timeout, src/cluster/heartbeat.ts), through a timer that runs none of Node's own
 * JavaScript (quiet-timer.ts). Its last report still holds: its counters cannot move without a
 * connection, and the first connection to any of its servers wakes it at once — a report then,
 * and every second again. Every {@link QUIET_CHECK_EVERY} heartbeats it measures its heap and
 * event-loop delay too (the delay from how late those heartbeats fired: its delay monitor is off
 * while quiet, loop-delay.ts; the app's own timers may move them, a busy CPU delays the loop): when
 * either moved past its threshold from what the primary holds, that check's heartbeat is a
 * report, and the worker stays quiet. Waking it for those (its first version) cost 5 reports or
 * more per delay spike of 10 ms, and on a loaded machine that brought TurboFan back after 26
 * minutes (bench/RESULTS.md 30c).
 */
import type { WorkerReport } from '../protocol/worker-ipc.js';

/** Reports in a row that say the same, with no connection open, before a worker goes quiet. */
export const QUIET_AFTER_REPORTS = 5;
/** Heap used or heap total within this of the last report counts as unchanged (bytes). */
export const QUIET_HEAP_BYTES = 1024 * 1024;
/** Event-loop delay (p50, p99, as reported) within this of the last report counts as unchanged (ms). */
export const QUIET_DELAY_MS = 10;
/** A quiet worker measures its heap and delay every this many heartbeats. */
export const QUIET_CHECK_EVERY = 4;

/**
 * Whether a worker that measured `now` may be (or stay) quiet when the primary holds `last`: no
 * connection open and no request in flight, the counters exactly as they were, heap and delay
 * within their thresholds.
 */
export function quietSince(last: WorkerReport, now: WorkerReport): boolean {
  return countersStill(last, now) && measuresClose(last, now);
}

/** No connection open, no request in flight, and the counters exactly as the primary holds them: only a connection changes these. */
export function countersStill(last: WorkerReport, now: WorkerReport): boolean {
  return (
    now.connectionsOpen === 0 &&
    now.requestsInFlight === 0 &&
    now.requestsServed === last.requestsServed &&
    now.connectionsOpen === last.connectionsOpen &&
    now.requestsInFlight === last.requestsInFlight &&
    now.outcomes?.resets === last.outcomes?.resets &&
    now.outcomes?.timeouts === last.outcomes?.timeouts
  );
}

/** Heap and event-loop delay within their thresholds of what the primary holds. */
export function measuresClose(last: WorkerReport, now: WorkerReport): boolean {
  return (
    Math.abs(now.heapUsedBytes - last.heapUsedBytes) < QUIET_HEAP_BYTES &&
    Math.abs(now.heapTotalBytes - last.heapTotalBytes) < QUIET_HEAP_BYTES &&
    Math.abs(now.eventLoopDelayP50Ms - last.eventLoopDelayP50Ms) < QUIET_DELAY_MS &&
    Math.abs(now.eventLoopDelayP99Ms - last.eventLoopDelayP99Ms) < QUIET_DELAY_MS
  );
}

/** The quiet heartbeat interval the runtime reads from its env: absent, invalid or 0 means never quiet. */
export function quietHeartbeatMs(value: string | undefined): number {
  const ms = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(ms) && ms > 0 ? ms : 0;
}
