import t from 'tap';
import { spawn } from 'node:child_process';
import { clearUsageHistory, pidUsage } from '../../../src/metrics/process-usage.js';

/** A pid that existed and is gone: a child that ran and was reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

t.teardown(clearUsageHistory);

t.test('reads this process; leaves out a pid that exited, alone or among others', async (t) => {
  const gone = await deadPid();
  const mine = await pidUsage([process.pid]);
  t.ok(mine[process.pid]!.memory > 0);
  t.ok(mine[process.pid]!.cpu >= 0);
  t.same(Object.keys(await pidUsage([gone, process.pid])), [String(process.pid)]);
  t.same(await pidUsage([gone]), {});
  t.same(await pidUsage([]), {});
});
