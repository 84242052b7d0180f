/**
 * Periodic measurements only the inside of a worker can make, sent to the primary.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { WorkerReport } from '../protocol/worker-ipc.js';
import type { ServerRegistry } from './servers.js';

export const DEFAULT_REPORT_INTERVAL_MS = 1000;
// The histogram's timer wakes the worker every RESOLUTION_MS, busy or idle: at 10 ms that was
// 100 wake-ups a second, ~5 ms of CPU per second per idle worker; at 50 ms, ~1.3 ms (bench/RESULTS.md,
// "Idle daemon"). A stall still shows in full: the tick it holds up is late by all of it.
const RESOLUTION_MS = 50;

/** The heartbeat's period when reports are off (reports are heartbeats themselves). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1000;

/**
 * Starts reporting every `intervalMs`; with reports off (0), sends a bare heartbeat every
 * `heartbeatMs` instead (0: neither). A timer that stops firing is how the primary sees a hung
 * event loop. Returns a function that stops it.
 */
export function startReports(intervalMs: number, servers: ServerRegistry, send: (report: WorkerReport) => void, heartbeat: { intervalMs: number; send: () => void } = { intervalMs: 0, send: () => {} }): () => void {
  if (!(intervalMs > 0)) {
    if (!(heartbeat.intervalMs > 0)) return () => {};
    const beat = setInterval(heartbeat.send, heartbeat.intervalMs);
    beat.unref();
    return () => clearInterval(beat);
  }
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const timer = setInterval(() => {
    const heap = process.memoryUsage();
    const outcomes = servers.outcomes;
    send({
      heapUsedBytes: heap.heapUsed,
      heapTotalBytes: heap.heapTotal,
      eventLoopDelayP50Ms: delayMs(delay.percentile(50)),
      eventLoopDelayP99Ms: delayMs(delay.percentile(99)),
      requestsInFlight: servers.requestsInFlight,
      requestsServed: servers.requestsServed,
      connectionsOpen: servers.connectionsOpen,
      ...(outcomes ? { outcomes } : {}),
    });
    delay.reset();
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}

/** The histogram records the whole time between its timer's ticks; the delay is what exceeds the resolution. */
function delayMs(ns: number): number {
  if (!Number.isFinite(ns)) return 0;
  return Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
}

export function reportIntervalMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_REPORT_INTERVAL_MS;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_REPORT_INTERVAL_MS;
}
