import t from 'tap';
import { judgeReadiness, type ReadinessApp } from '../../../src/cluster/readiness.js';
import type { WorkerState } from '../../../src/protocol/index.js';

const app = (name: string, instances: number, states: WorkerState[], wanted: 'running' | 'stopped' = 'running'): ReadinessApp => ({
  name,
  wanted,
  spec: { instances },
  pool: { workers: states.map((state) => ({ state })) },
});

t.test('no app to run is not ready', async (t) => {
  t.same(judgeReadiness([]), { ready: false, apps: [] });
  t.same(judgeReadiness([app('api', 2, [], 'stopped')]), { ready: false, apps: [] }, 'a stopped app does not count');
});

t.test('ready when every running app has as many ready workers as instances', async (t) => {
  t.same(judgeReadiness([app('api', 2, ['ready', 'ready']), app('jobs', 1, ['ready'])]), {
    ready: true,
    apps: [
      { name: 'api', ready: 2, wanted: 2 },
      { name: 'jobs', ready: 1, wanted: 1 },
    ],
  });
});

t.test('only workers in state ready count (starting, draining and the rest do not)', async (t) => {
  const report = judgeReadiness([app('api', 2, ['ready', 'starting', 'draining', 'forking', 'backoff'])]);
  t.same(report, { ready: false, apps: [{ name: 'api', ready: 1, wanted: 2 }] });
});

t.test('one app short makes the whole daemon not ready; a stopped app is left out', async (t) => {
  const report = judgeReadiness([app('api', 1, ['ready']), app('web', 1, []), app('old', 1, [], 'stopped')]);
  t.equal(report.ready, false);
  t.same(
    report.apps.map((a) => a.name),
    ['api', 'web'],
  );
});

t.test('more ready workers than instances (a surge in progress) is ready', async (t) => {
  t.equal(judgeReadiness([app('api', 2, ['ready', 'ready', 'ready', 'ready'])]).ready, true);
});

t.test('an app with instances 0 needs one ready worker all the same', async (t) => {
  t.equal(judgeReadiness([app('api', 0, [])]).ready, false);
});
