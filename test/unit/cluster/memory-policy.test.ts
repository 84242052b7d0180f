import t from 'tap';
import { memoryRestarts, type MemoryPolicyApp } from '../../../src/cluster/memory-policy.js';

const MB = 1024 * 1024;
const app = (name: string, limit: number | undefined, ids: number[]): MemoryPolicyApp & { pool: { workers: { id: number }[] } } => ({
  name,
  spec: limit === undefined ? {} : { max_memory_restart: limit },
  pool: { workers: ids.map((id) => ({ id })) },
});
const sample = (appName: string, workerId: number, rssMb: number) => ({ app: appName, worker_id: workerId, rss_bytes: rssMb * MB });

t.test('a worker above its limit is replaced, with the figures in the reason', async (t) => {
  const api = app('api', 100 * MB, [1, 2]);
  const out = memoryRestarts([sample('api', 1, 150), sample('api', 2, 50)], [api]);
  t.equal(out.length, 1);
  t.equal(out[0]!.app, api);
  t.equal(out[0]!.worker, api.pool.workers[0]);
  t.equal(out[0]!.reason, 'max_memory_restart: resident memory 150 MB is above 100 MB');
});

t.test('at the limit exactly, no replacement; one byte above, one', async (t) => {
  const api = app('api', 100 * MB, [1]);
  t.same(memoryRestarts([{ app: 'api', worker_id: 1, rss_bytes: 100 * MB }], [api]), []);
  t.equal(memoryRestarts([{ app: 'api', worker_id: 1, rss_bytes: 100 * MB + 1 }], [api]).length, 1);
});

t.test('no limit, an unknown app, or a worker gone since the sample: nothing', async (t) => {
  t.same(memoryRestarts([sample('api', 1, 9000)], [app('api', undefined, [1])]), [], 'no limit');
  t.same(memoryRestarts([sample('gone', 1, 9000)], [app('api', MB, [1])]), [], 'unknown app');
  t.same(memoryRestarts([sample('api', 7, 9000)], [app('api', MB, [1])]), [], 'worker gone');
});

t.test('each app with its own limit', async (t) => {
  const a = app('a', 10 * MB, [1]);
  const b = app('b', 1000 * MB, [1]);
  const out = memoryRestarts([sample('a', 1, 20), sample('b', 1, 20)], [a, b]);
  t.same(
    out.map((r) => r.app.name),
    ['a'],
  );
});
