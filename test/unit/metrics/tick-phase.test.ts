/** The sampler's tick in step with the workers' reports (src/metrics/tick-phase.ts), driven by a simulated clock. */
import t from 'tap';
import { newTickPhase, onTimer, tickOnReport, ticked, WATCH_INTERVALS, type TickPhase } from '../../../src/metrics/tick-phase.js';

const INTERVAL = 1000;

/**
 * Runs the rules over `untilMs` of simulated time: reports at the given times, the timer as the
 * sampler sets it (only from its own callback). Returns the ticks, and how often the timer fired.
 */
function simulate(reports: number[], untilMs: number): { ticks: { at: number; by: 'report' | 'timer' }[]; timerFires: number } {
  const phase: TickPhase = newTickPhase();
  const ticks: { at: number; by: 'report' | 'timer' }[] = [];
  let timerAt = INTERVAL; // start(): the timer first fires one interval in
  let timerFires = 0;
  const queue = [...reports].sort((a, b) => a - b);
  for (;;) {
    const next = queue[0];
    if (next !== undefined && next <= timerAt) {
      queue.shift();
      if (next > untilMs) break;
      if (tickOnReport(phase, next, INTERVAL)) {
        ticks.push({ at: next, by: 'report' });
        ticked(phase, next, true);
      }
      continue;
    }
    if (timerAt > untilMs) break;
    const now = timerAt;
    timerFires++;
    const { tick, nextMs } = onTimer(phase, now, INTERVAL);
    if (tick) {
      ticks.push({ at: now, by: 'timer' });
      ticked(phase, now, false);
    }
    timerAt = now + nextMs;
  }
  return { ticks, timerFires };
}

const every = (startMs: number, periodMs: number, untilMs: number) => Array.from({ length: Math.floor((untilMs - startMs) / periodMs) + 1 }, (_, i) => startMs + i * periodMs);
const gaps = (ticks: { at: number }[]) => ticks.slice(1).map((tk, i) => tk.at - ticks[i]!.at);

t.test('no reports: the timer ticks once per interval', async (t) => {
  const { ticks } = simulate([], 10_000);
  t.same(ticks.map((tk) => tk.at), every(1000, 1000, 10_000));
  t.ok(ticks.every((tk) => tk.by === 'timer'));
});

for (const phaseMs of [0, 1, 300, 499, 500, 501, 700, 950, 999]) {
  t.test(`one worker reporting each second at phase ${phaseMs} ms: in step after at most one interval of ½–1½, then every tick is a report's`, async (t) => {
    const { ticks, timerFires } = simulate(every(phaseMs + 1000, 1000, 60_000), 60_000);
    const g = gaps(ticks);
    t.ok(timerFires <= 2 + 60 / WATCH_INTERVALS, `the timer fired ${timerFires} times in 60 s`);
    t.ok(g.every((ms) => ms >= 500 && ms <= 1500), `gaps ${g.join(', ')}`);
    t.ok(g.slice(2).every((ms) => ms === 1000), 'then exactly one interval');
    t.ok(ticks.slice(2).every((tk) => tk.by === 'report'), 'in the reports’ wake-ups');
    t.ok(ticks.length >= 57 && ticks.length <= 60, `${ticks.length} ticks in 60 s`);
  });
}

t.test('two workers: in step with one of them; the other one’s reports start no tick', async (t) => {
  const { ticks } = simulate([...every(1300, 1000, 60_000), ...every(1800, 1000, 60_000)], 60_000);
  t.ok(ticks.slice(2).every((tk) => tk.by === 'report'));
  t.ok(gaps(ticks).slice(2).every((ms) => ms === 1000));
});

t.test('reports that jitter late (as Node timers do) stay in step', async (t) => {
  let at = 1250;
  const reports: number[] = [];
  for (let i = 0; i < 60; i++) reports.push((at += 1000 + (i % 3) * 7));
  const { ticks } = simulate(reports, 62_000);
  t.ok(ticks.slice(2).every((tk) => tk.by === 'report'));
  t.ok(gaps(ticks).slice(2).every((ms) => ms >= 1000 && ms <= 1014), `${gaps(ticks).join(', ')}`);
});

t.test('the reports stop (a hung or exited worker): the timer takes over within WATCH_INTERVALS + 1¼ intervals, then 1 Hz', async (t) => {
  const { ticks } = simulate(every(1400, 1000, 20_400), 40_000);
  const after = ticks.filter((tk) => tk.at > 20_400);
  t.ok(after[0]!.at - 20_400 <= (WATCH_INTERVALS + 1.25) * INTERVAL, `first tick without reports at ${after[0]!.at}`);
  t.ok(gaps(after).every((ms) => ms === 1000), `${gaps(after).join(', ')}`);
  t.ok(after.every((tk) => tk.by === 'timer'));
});

t.test('the timer waits once for a report due soon, then ticks without it', async (t) => {
  const phase = newTickPhase();
  t.equal(tickOnReport(phase, 300, INTERVAL), true, 'a report before any tick: the first tick at once');
  ticked(phase, 0, false);
  t.equal(tickOnReport(phase, 300, INTERVAL), false, 'a report 300 ms after a timer tick: not yet');
  t.same(onTimer(phase, 1000, INTERVAL), { tick: false, nextMs: 550 }, 'report due at 1300: wait for it, with grace');
  t.same(onTimer(phase, 1550, INTERVAL), { tick: true, nextMs: INTERVAL }, 'waited once already: tick');
  ticked(phase, 2000, true);
  t.same(onTimer(phase, 2500, INTERVAL), { tick: false, nextMs: WATCH_INTERVALS * INTERVAL }, 'a report ticked lately: watch again later');
});
