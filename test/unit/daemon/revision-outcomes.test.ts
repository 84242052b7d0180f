/** Outcomes summed per revision: continuous across replaced workers, never going down, bounded. */
import t from 'tap';
import { emptyOutcomes, requestsOf, type RequestOutcomes } from '../../../src/protocol/outcomes.js';
import { IPC_MARK, RUNTIME_ENV } from '../../../src/protocol/worker-ipc.js';
import type { AppSpec } from '../../../src/protocol/index.js';
import type { WorkerProcess } from '../../../src/cluster/worker-host.js';
import { RevisionOutcomes } from '../../../src/daemon/revision-outcomes.js';
import { revisionOutcomesInfo, withOutcomes } from '../../../src/daemon/outcomes-report.js';

function outcomes(ok: number, failed = 0, resets = 0): RequestOutcomes {
  const o = emptyOutcomes();
  o.responses['2xx'] = ok;
  o.responses['5xx'] = failed;
  o.resets = resets;
  o.duration_buckets[3] = ok + failed;
  o.duration_sum_s = (ok + failed) * 0.006;
  return o;
}

/** A process as worker-host.ts hands it out, whose messages and exit the test drives. */
function fakeProcess() {
  const message: ((m: unknown) => void)[] = [];
  const exit: ((code: number | null, signal: string | null) => void)[] = [];
  const proc: WorkerProcess = {
    pid: 1,
    stdout: null,
    stderr: null,
    send: () => true,
    kill: () => {},
    onOnline: () => {},
    onMessage: (fn) => void message.push(fn),
    onListening: () => {},
    onExit: (fn) => void exit.push(fn),
  };
  return {
    proc,
    report: (o: RequestOutcomes) => message.forEach((fn) => fn({ hotctl: IPC_MARK, type: 'report', heapUsedBytes: 1, heapTotalBytes: 1, eventLoopDelayP50Ms: 0, eventLoopDelayP99Ms: 0, requestsInFlight: 0, requestsServed: requestsOf(o), outcomes: o })),
    drained: (o: RequestOutcomes) => message.forEach((fn) => fn({ hotctl: IPC_MARK, type: 'drained', served: requestsOf(o), outcomes: o })),
    exit: () => exit.forEach((fn) => fn(0, null)),
  };
}

function rig(keep: () => number[] | null = () => [1, 2], onChange: () => void = () => {}) {
  const sums = new RevisionOutcomes(() => keep(), onChange);
  const procs: ReturnType<typeof fakeProcess>[] = [];
  const fork = sums.fork(() => {
    const p = fakeProcess();
    procs.push(p);
    return p.proc;
  });
  const spawn = (app: string, revision: number) => {
    fork({} as AppSpec, { [RUNTIME_ENV.app]: app, [RUNTIME_ENV.revision]: String(revision) }, '/');
    return procs[procs.length - 1]!;
  };
  return { sums, spawn };
}

t.test('a revision sums its workers, and keeps a replaced worker’s counts', async (t) => {
  const { sums, spawn } = rig();
  const a = spawn('api', 1);
  const b = spawn('api', 1);
  a.report(outcomes(10, 1));
  b.report(outcomes(5));
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 16);
  // a reports again (cumulative), then drains with its final counts and exits
  a.report(outcomes(20, 1));
  a.drained(outcomes(22, 2));
  a.exit();
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 29, '24 of the ended worker + 5');
  // its replacement counts from 0: the revision does not go down
  const c = spawn('api', 1);
  c.report(outcomes(0));
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 29);
  c.report(outcomes(3, 0, 1));
  const r1 = sums.outcomesOf('api').get(1)!;
  t.equal(requestsOf(r1), 33);
  t.equal(r1.responses['5xx'], 2);
  t.equal(r1.resets, 1);
  t.equal(r1.duration_buckets[3], 29 + 3);
});

t.test('revisions are apart, and a new one counts from 0', async (t) => {
  const { sums, spawn } = rig();
  spawn('api', 1).report(outcomes(100, 5));
  const fresh = spawn('api', 2);
  t.same([...sums.outcomesOf('api').keys()], [1]);
  fresh.report(outcomes(0));
  t.equal(requestsOf(sums.outcomesOf('api').get(2)!), 0);
  fresh.report(outcomes(4));
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 105);
  t.equal(requestsOf(sums.outcomesOf('api').get(2)!), 4);
  t.same([...sums.outcomesOf('other')], []);
});

t.test('a revision neither in the history nor run by a worker is forgotten; an app gone, wholly', async (t) => {
  // revisionsOf as the daemon gives it: the app's history and its workers' revisions.
  let keep: number[] | null = [1, 2];
  const { sums, spawn } = rig(() => keep);
  const old = spawn('api', 1);
  old.report(outcomes(7));
  spawn('api', 2).report(outcomes(1));
  t.same([...sums.outcomesOf('api').keys()], [1, 2]);
  keep = [2];
  old.exit();
  t.same([...sums.outcomesOf('api').keys()], [2]);
  keep = null;
  t.same([...sums.outcomesOf('api').keys()], []);
});

t.test('a report that arrives after its process exited adds exactly what it adds', async (t) => {
  const { sums, spawn } = rig();
  const a = spawn('api', 1);
  a.report(outcomes(10));
  a.exit();
  a.drained(outcomes(12, 1));
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 13);
  a.drained(outcomes(12, 1));
  t.equal(requestsOf(sums.outcomesOf('api').get(1)!), 13, 'the same cumulative counts twice add nothing');
});

t.test('status figures: error rate and percentiles per revision', async (t) => {
  const info = revisionOutcomesInfo(3, outcomes(90, 5, 5));
  t.match(info, { revision: 3, requests: 100, resets: 5, timeouts: 0, error_rate: 0.1 });
  t.ok(info.p50_ms! > 5 && info.p50_ms! <= 7.5, `p50 in the 5–7.5 ms bucket: ${info.p50_ms}`);
  const app = { name: 'api' } as Parameters<typeof withOutcomes>[0];
  t.equal(withOutcomes(app, new Map()), app);
  t.same(withOutcomes(app, new Map([[3, outcomes(1)]])).outcomes?.map((o) => o.revision), [3]);
});

t.test('status subscribers hear of counts that grew, once for a burst of reports', async (t) => {
  let calls = 0;
  let heard!: () => void;
  const once = new Promise<void>((resolve) => (heard = resolve));
  const { spawn } = rig(undefined, () => {
    calls++;
    heard();
  });
  const a = spawn('api', 1);
  const b = spawn('api', 1);
  a.report(outcomes(1));
  b.report(outcomes(2));
  a.report(outcomes(3));
  // The throttle's timer is unref'd (it never holds the daemon up): this bound keeps the test's process alive.
  const bound = setTimeout(() => t.fail('no change heard within 10 s'), 10_000);
  await once;
  clearTimeout(bound);
  t.equal(calls, 1);
});
