import t from 'tap';
import type { DaemonEvent, MetricsEvent, WorkerTransitionEvent } from '../../src/protocol/index.js';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';

const TIMEOUT_MS = 4000;
/** Metrics ticks (1 Hz) in a row with the worker's heap exactly as before: no report for ≥ 6 s, longer than TIMEOUT_MS. */
const QUIET_TICKS = 7;

/** The end index of the first run of `n` metrics ticks, from `from`, in which `pid`'s reported heap did not change: the worker sent no report (every report's heap differs by its own allocations). */
function quietRun(events: readonly DaemonEvent[], pid: number, n: number): number {
  let run = 0;
  let heap: number | null = null;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.kind !== 'metrics') continue;
    const w = (e as MetricsEvent).workers.find((m) => m.pid === pid);
    const now = w?.heap_used_bytes ?? null;
    run = now !== null && now === heap ? run + 1 : 0;
    heap = now;
    if (run >= n - 1) return i;
  }
  return -1;
}

t.test('an idle worker that has gone quiet still beats: ready for longer than its heartbeat_timeout, and unresponsive within it once its event loop blocks', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [{ name: 'api', script: 'hangs-on-request.cjs', instances: 1, env: { PORT: port }, heartbeat_timeout: TIMEOUT_MS }]);
  t.equal((await home.run(['start', file])).code, 0);
  const events = await home.events(['events', 'metrics']);
  const pid = (await home.status()).apps[0]!.workers[0]!.pid!;

  // Quiet (no report) for longer than the timeout: only its quiet heartbeats kept it ready.
  let quietEnd = -1;
  await events.waitFor(() => (quietEnd = quietRun(events.events, pid, QUIET_TICKS)) >= 0, 120_000);
  t.notOk(
    events.events.slice(0, quietEnd + 1).some((e) => e.kind === 'worker' && (e as WorkerTransitionEvent).pid === pid && (e as WorkerTransitionEvent).to === 'unresponsive'),
    `no report for ${QUIET_TICKS - 1} s and never unresponsive: the quiet heartbeats kept it ready`,
  );

  process.kill(pid, 'SIGUSR2');
  const silent = (await events.waitFor((e) => e.kind === 'worker' && (e as WorkerTransitionEvent).pid === pid && (e as WorkerTransitionEvent).to === 'unresponsive')) as WorkerTransitionEvent;
  t.match(silent.reason, new RegExp(`no heartbeat for ${TIMEOUT_MS} ms`));
  const successor = (await events.waitFor((e) => e.kind === 'worker' && (e as WorkerTransitionEvent).to === 'ready' && (e as WorkerTransitionEvent).pid !== pid)) as WorkerTransitionEvent;
  t.ok(successor.pid, 'replaced by a ready successor');
  events.close();
});
