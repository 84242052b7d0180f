import t from 'tap';
import { app, freePort, Harness, quietAfter, sentFrom } from './harness-client.js';

type Sent = { type: string; eventLoopDelayP50Ms?: number; eventLoopDelayP99Ms?: number };

t.test('a quiet worker (its delay monitor off) reports a stall of its event loop from how late its heartbeats came, and stays quiet', async (t) => {
  const port = await freePort();
  const h = await Harness.start(t);
  const pid = await h.fork('w1', app('hangs-on-request.cjs'), { env: { PORT: String(port), HANG_MS: '400', HOTCTL_QUIET_HEARTBEAT_INTERVAL_MS: '100' }, reportIntervalMs: 50 });
  await h.waitForMessage('w1', 'ready');
  const quiet = await quietAfter(h, 0, 3);

  // Blocks the loop for 400 ms: the heartbeat due in it comes ≥ 300 ms late.
  process.kill(pid, 'SIGUSR2');
  let stallAt = -1;
  await h.waitFor(() => (stallAt = sentFrom<Sent>(h, quiet).find(([, m]) => m.type === 'report' && (m.eventLoopDelayP99Ms ?? 0) >= 250)?.[0] ?? -1) >= 0, 'a report of the stall');
  const stall = sentFrom<Sent>(h, stallAt)[0]![1];
  t.equal(stall.eventLoopDelayP50Ms, stall.eventLoopDelayP99Ms, 'one figure while quiet: p50 and p99 alike');
  t.comment(`the stall reported: ${stall.eventLoopDelayP99Ms} ms`);
  await quietAfter(h, stallAt + 1, 3);
  t.pass('quiet still: heartbeats after it');
});
