// The routed reference for bench/traffic-routing.mjs: a node:cluster primary with hotctl's
// connection router (dist/src/traffic/router.js), forking `instances` workers that run
// ./routed-worker.mjs (the worker side, then the app's handler as its main would). A worker is
// marked routable once it listens. Tells its parent {type: 'started'} when all listen.
// V8's optimizing compiler is held as in the daemon, until a burst of connections (BENCH_ROUTED_HOLD=0: not).
// Usage: node bench/lib/routed-primary.mjs <app.cjs> <instances>   (env PORT)
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

// As the daemon (src/daemon/hold-compiler.ts): V8's optimizing compiler held off until a burst
// of connections releases it (BENCH_ROUTED_HOLD=0: not held). A build without it has no such module.
if (process.env.BENCH_ROUTED_HOLD !== '0') {
  const compiler = await import(new URL('../../dist/src/platform/optimizing-compiler.js', import.meta.url).href).catch(() => null);
  compiler?.onOptimizingCompilerRelease((reason) => console.error(`routed primary ${process.pid}: V8's optimizing compiler released: ${reason}`));
  compiler?.holdOptimizingCompiler();
}
const { Router } = await import(fileURLToPath(new URL('../../dist/src/traffic/router.js', import.meta.url)));
const [script, instancesArg] = process.argv.slice(2);
const instances = Number(instancesArg || 2);
const router = new Router({ routes: () => true });
// execArgv: [] as the daemon's forks (the app's node_args): the primary's own node flags (BENCH_ROUTED_FLAGS) stay its own.
cluster.setupPrimary({ exec: fileURLToPath(new URL('./routed-worker.mjs', import.meta.url)), execArgv: [], silent: true });

const workers = Array.from({ length: instances }, (_, i) => {
  const worker = cluster.fork({ APP_SCRIPT: script, HOTCTL_APP: 'bench', HOTCTL_WORKER_ID: String(i + 1), HOTCTL_REVISION: '1' });
  worker.process.stdout.resume();
  worker.process.stderr.resume();
  worker.on('error', () => {});
  return new Promise((resolve) =>
    worker.once('listening', () => {
      router.setRoutable('bench', i + 1, true);
      resolve(worker);
    }),
  );
});
const killAll = () => {
  for (const w of Object.values(cluster.workers)) {
    try {
      w.process.kill('SIGKILL');
    } catch {}
  }
};
process.on('SIGTERM', () => {
  killAll();
  process.exit(0);
});
process.on('disconnect', () => {
  killAll();
  process.exit(0);
});
const started = await Promise.all(workers);
process.send?.({ type: 'started', pids: started.map((w) => w.process.pid) });
