import t from 'tap';
import type { WorkerTransitionEvent } from '../../src/protocol/index.js';
import { freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

/**
 * Issue 9: a PM2 file with a cluster web app, a fork-mode queue consumer that opens no port, and
 * a cron job with autorestart: false. Before: start exited 1, the consumer was SIGKILLed every
 * listen_timeout for not listening, the one-shot job was re-run by the crash logic.
 */
t.test('web app + fork consumer with no port + autorestart:false cron job: all start, the job stops with 0 and runs on schedule, the consumer is never restarted', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [
    { name: 'web', script: 'http-app.cjs', exec_mode: 'cluster', instances: 2, env: { PORT: port } },
    // listen_timeout short: a consumer wrongly waited on for a listen() would be killed within the observation.
    { name: 'consumer', script: 'queue-consumer.cjs', exec_mode: 'fork', listen_timeout: 1000, env: { QUEUE: 'orders' } },
    { name: 'report', script: 'job-once.cjs', exec_mode: 'fork', autorestart: false, cron_restart: '* * * * * *', env: { JOB_NAME: 'report' } },
  ]);
  const started = await home.run(['start', file]);
  t.equal(started.code, 0, `start exits 0\n${started.stderr}`);
  t.notMatch(started.stderr, /warning/, 'no warning: exec_mode fork, autorestart and cron_restart are understood');
  const events = await home.events(['events', 'logs']);
  t.teardown(() => events.close());

  const first = await home.status();
  const consumer0 = first.apps.find((a) => a.name === 'consumer')!;
  t.same(consumer0.workers.map((w) => w.state), ['ready'], 'the consumer is online without listening');
  const consumerPid = consumer0.workers[0]!.pid;
  t.same(first.apps.find((a) => a.name === 'web')!.workers.map((w) => w.state), ['ready', 'ready']);
  t.equal((await get(port)).status, 200, 'the web app serves');

  // Three runs of the job seen from here on: each one ends by itself with exit code 0.
  const isRunEnd = (e: unknown): e is WorkerTransitionEvent => {
    const w = e as WorkerTransitionEvent;
    return w.kind === 'worker' && w.app === 'report' && w.to === 'exited' && w.from !== 'draining';
  };
  const ends: WorkerTransitionEvent[] = [];
  for (let i = 0; i < 3; i++) {
    const from = events.events.length;
    const end = (await events.waitFor(isRunEnd, 30_000, from)) as WorkerTransitionEvent;
    t.equal(end.exit_code, 0, `run ${i + 1} exited 0`);
    ends.push(end);
  }
  t.equal(new Set(ends.map((e) => e.worker_id)).size, 3, 'each run is a new process, started by the schedule');
  const reportEvents = events.events.filter((e) => e.kind === 'worker' && e.app === 'report') as WorkerTransitionEvent[];
  t.same(reportEvents.filter((e) => ['crashed', 'backoff', 'errored'].includes(e.to)), [], 'no run was taken for a crash');
  const cronRuns = events.events.filter((e) => e.kind === 'operation' && e.app === 'report' && e.operation.kind === 'restart' && e.operation.state === 'succeeded');
  t.ok(cronRuns.length >= 2, `the runs were the schedule's restarts (${cronRuns.length})`);
  t.ok(events.events.some((e) => e.kind === 'log' && e.app === 'report' && /job report done/.test(e.text)), 'the job did its work');

  const stopped = await home.waitForStatus((s) => s.apps.find((a) => a.name === 'report')?.status === 'stopped');
  const report = stopped.apps.find((a) => a.name === 'report')!;
  t.match(report.last_exit, { exit_code: 0, signal: null, outcome: 'done' }, 'status --json: exit code and time of the last run');
  t.ok(report.last_exit && !Number.isNaN(Date.parse(report.last_exit.at)));
  t.ok(report.next_run && Date.parse(report.next_run) > Date.parse(report.last_exit!.at), 'the next run is scheduled');

  // The consumer over the whole observation (well past its listen_timeout): never restarted.
  const consumerEvents = events.events.filter((e) => e.kind === 'worker' && e.app === 'consumer');
  t.same(consumerEvents, [], 'no transition of the consumer: never killed, never restarted');
  const consumer = stopped.apps.find((a) => a.name === 'consumer')!;
  t.equal(consumer.restarts, 0);
  t.equal(consumer.status, 'online');
  t.equal(consumer.workers[0]!.pid, consumerPid, 'the same process');
  t.ok(events.events.some((e) => e.kind === 'log' && e.app === 'consumer' && /consumer orders: job/.test(e.text)), 'the consumer works');
});
