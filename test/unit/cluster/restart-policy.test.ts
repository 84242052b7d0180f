import t from 'tap';
import { backoffDelayMs, decideExit, decideRestart, MAX_BACKOFF_MS, type RestartPolicyConfig } from '../../../src/cluster/restart-policy.js';

const config: RestartPolicyConfig = { min_uptime: 1000, max_restarts: 16, restart_delay: 0, exp_backoff_restart_delay: 100 };

t.test('the whole backoff sequence: ×1.5 from the base, capped at 15 s', async (t) => {
  const delays = Array.from({ length: 16 }, (_, i) => backoffDelayMs(config, i + 1));
  t.same(delays, [100, 150, 225, 338, 506, 759, 1139, 1709, 2563, 3844, 5767, 8650, 12975, 15000, 15000, 15000]);
  t.ok(delays.every((d) => d <= MAX_BACKOFF_MS));
});

t.test('unstable crashes count up; past max_restarts the worker gives up', async (t) => {
  const cfg = { ...config, max_restarts: 3 };
  let unstable = 0;
  const actions: string[] = [];
  for (let i = 0; i < 4; i++) {
    const d = decideRestart(cfg, unstable, 10);
    actions.push(d.action);
    unstable = d.unstableRestarts;
  }
  t.same(actions, ['restart', 'restart', 'restart', 'give-up']);
  t.equal(unstable, 4);
});

t.test('a crash after min_uptime resets the count', async (t) => {
  const d = decideRestart(config, 9, 5000);
  t.same(d, { action: 'restart', delayMs: 100, unstableRestarts: 0 });
});

t.test('a process that never started is unstable', async (t) => {
  t.equal(decideRestart(config, 0, null).unstableRestarts, 1);
});

t.test('max_restarts 0: the first unstable crash gives up', async (t) => {
  t.equal(decideRestart({ ...config, max_restarts: 0 }, 0, 1).action, 'give-up');
});

t.test('exp backoff off: the fixed restart_delay', async (t) => {
  const cfg = { ...config, exp_backoff_restart_delay: 0, restart_delay: 250 };
  t.equal(backoffDelayMs(cfg, 1), 250);
  t.equal(backoffDelayMs(cfg, 10), 250);
});

t.test('decideExit: every combination of autorestart, stop_exit_codes, exit code and signal', async (t) => {
  const cases: Array<[boolean, number[], number | null, string | null, string]> = [
    [true, [], 0, null, 'crash'],
    [true, [], 1, null, 'crash'],
    [true, [], null, 'SIGKILL', 'crash'],
    [true, [0], 0, null, 'done'],
    [true, [0], 1, null, 'crash'],
    [true, [0, 3], 3, null, 'done'],
    [true, [0], null, 'SIGTERM', 'crash'],
    [false, [], 0, null, 'done'],
    [false, [], 1, null, 'failed'],
    [false, [], null, 'SIGKILL', 'failed'],
    [false, [2], 2, null, 'done'],
    [false, [], null, null, 'failed'],
  ];
  for (const [autorestart, stop_exit_codes, code, signal, expected] of cases) {
    t.equal(decideExit({ autorestart, stop_exit_codes }, code, signal), expected, `autorestart ${autorestart}, stop_exit_codes [${stop_exit_codes}], code ${code}, signal ${signal}`);
  }
});

t.test('restart_delay alone (the exponential backoff off, as the config loader sets it): the same fixed delay every time', async (t) => {
  const cfg = { ...config, restart_delay: 1000, exp_backoff_restart_delay: 0 };
  t.same(Array.from({ length: 5 }, (_, i) => backoffDelayMs(cfg, i + 1)), [1000, 1000, 1000, 1000, 1000]);
});
