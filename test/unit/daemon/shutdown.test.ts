import t from 'tap';
import { drainApps, runShutdown, SHUTDOWN_PHASES, type ShutdownPhase, type ShutdownSteps } from '../../../src/daemon/shutdown.js';

const steps = (record: string[], overrides: Partial<ShutdownSteps> = {}): ShutdownSteps =>
  Object.fromEntries(SHUTDOWN_PHASES.map((phase) => [phase, overrides[phase] ?? (() => void record.push(phase))])) as ShutdownSteps;

t.test('the phases, in order: apps first, the lock and the signals last', async (t) => {
  t.same(SHUTDOWN_PHASES, ['drain-apps', 'persist-state', 'stop-watching', 'stop-sampling', 'close-http', 'close-control', 'close-logs', 'release-lock', 'forget-signals']);
  const ran: string[] = [];
  const seen: ShutdownPhase[] = [];
  await runShutdown(steps(ran), { onPhase: (p) => seen.push(p) });
  t.same(ran, [...SHUTDOWN_PHASES]);
  t.same(seen, [...SHUTDOWN_PHASES]);
});

t.test('each phase is awaited before the next begins', async (t) => {
  const ran: string[] = [];
  let release!: () => void;
  const draining = new Promise<void>((resolve) => (release = resolve));
  const running = runShutdown(
    steps(ran, {
      'drain-apps': async () => {
        await draining;
        ran.push('drain-apps');
      },
    }),
  );
  await new Promise(setImmediate);
  t.same(ran, [], 'nothing after drain-apps while it runs');
  release();
  await running;
  t.same(ran, [...SHUTDOWN_PHASES]);
});

t.test('a phase that fails is reported, and the later phases still run (the lock is released)', async (t) => {
  const ran: string[] = [];
  const errors: Array<[ShutdownPhase, string]> = [];
  await runShutdown(
    steps(ran, {
      'close-http': () => {
        throw new Error('boom');
      },
    }),
    { onError: (phase, err) => errors.push([phase, (err as Error).message]) },
  );
  t.same(errors, [['close-http', 'boom']]);
  t.same(
    ran,
    SHUTDOWN_PHASES.filter((p) => p !== 'close-http'),
  );
});

t.test('drain-apps: apps that stop in time are not killed', async (t) => {
  let killed = 0;
  const lines: string[] = [];
  await drainApps({ stopAll: async () => {}, killAll: () => void killed++ }, (l) => lines.push(l), 60_000);
  t.equal(killed, 0);
  t.same(lines, []);
});

t.test('drain-apps: apps still running at the limit are killed, and the drain ends when they are gone', async (t) => {
  let killed = 0;
  let gone!: () => void;
  const lines: string[] = [];
  const stopped = new Promise<void>((resolve) => (gone = resolve));
  await drainApps(
    {
      stopAll: () => stopped,
      killAll: () => {
        killed++;
        gone();
      },
    },
    (l) => lines.push(l),
    1,
  );
  t.equal(killed, 1);
  t.match(lines[0], /apps still running after 1 ms: killing them/);
});
