import t from 'tap';
import { CronSchedule, nextRunMs } from '../../../src/cluster/cron-schedule.js';
import { FakeClock } from '../../helpers/fake-clock.js';

t.test('nextRunMs: the first time strictly after, for 5 and 6 fields; null for what does not parse', async (t) => {
  const at = new Date(2026, 0, 15, 10, 20, 30, 500).getTime(); // local time, as cron reads it
  t.equal(nextRunMs('* * * * * *', at), new Date(2026, 0, 15, 10, 20, 31, 0).getTime(), 'every second: the next whole second');
  t.equal(nextRunMs('*/15 * * * *', at), new Date(2026, 0, 15, 10, 30, 0, 0).getTime(), 'every 15 minutes');
  t.equal(nextRunMs('0 3 * * *', at), new Date(2026, 0, 16, 3, 0, 0, 0).getTime(), 'tomorrow at 3');
  const onTheDot = new Date(2026, 0, 15, 3, 0, 0, 0).getTime();
  t.equal(nextRunMs('0 3 * * *', onTheDot), new Date(2026, 0, 16, 3, 0, 0, 0).getTime(), 'at the scheduled time itself: the next one');
  t.equal(nextRunMs('61 * * * *', at), null);
});

t.test('CronSchedule fires once per scheduled time, re-arms itself, and stops', async (t) => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const schedule = new CronSchedule('*/10 * * * * *', clock, () => fired.push(clock.now()));
  const first = schedule.nextRun!;
  t.ok(first > clock.now() && first - clock.now() <= 10_000);
  t.equal(new Date(first).getSeconds() % 10, 0);
  clock.advance(35_000);
  t.equal(fired.length, 3, 'three times in 35 s');
  t.same(fired.map((ms) => ms - first), [0, 10_000, 20_000], 'at the scheduled times');
  t.equal(schedule.nextRun, first + 30_000);
  schedule.stop();
  t.equal(schedule.nextRun, null);
  clock.advance(60_000);
  t.equal(fired.length, 3, 'nothing after stop');
  t.equal(clock.pending, 0, 'no timer left');
});

t.test('CronSchedule stopped from inside its own run is not re-armed', async (t) => {
  const clock = new FakeClock();
  let runs = 0;
  const schedule: CronSchedule = new CronSchedule('* * * * * *', clock, () => {
    runs++;
    schedule.stop();
  });
  clock.advance(5000);
  t.equal(runs, 1);
  t.equal(clock.pending, 0);
});
