'use strict';
// The bare node:cluster reference: what people hand-roll. Forks `script` `instances` times
// (round-robin scheduling, the default on Linux, as hotctl), tells its parent over IPC when
// every worker listens, and on request does a naive reload:
//
//   { type: 'reload', mode: 'rolling' }  for each old worker: fork a new one, wait for its
//                                         'listening', then old.disconnect()
//   { type: 'reload', mode: 'surge' }    fork every new worker, wait until all listen, then
//                                         disconnect() every old one
//
// and answers { type: 'reload', forkToListeningMs, totalMs } once the old workers have exited.
// Usage: node bench/lib/bare-primary.cjs <script> <instances>   (env PORT for the app)
const cluster = require('node:cluster');

const [script, instancesArg] = process.argv.slice(2);
const instances = Number(instancesArg || 2);
cluster.setupPrimary({ exec: script, silent: true });

let current = [];

function fork() {
  const worker = cluster.fork();
  // Like hotctl, the primary reads the workers' output; nothing is stored.
  worker.process.stdout.resume();
  worker.process.stderr.resume();
  worker.on('error', () => {});
  return worker;
}

const listening = (worker) =>
  new Promise((resolve, reject) => {
    worker.once('listening', resolve);
    worker.once('exit', (code) => reject(new Error(`worker exited ${code} before listening`)));
  });
const exited = (worker) => new Promise((resolve) => (worker.isDead() ? resolve() : worker.once('exit', resolve)));

async function reload(mode) {
  const t0 = performance.now();
  const old = current;
  let forkToListeningMs = 0;
  if (mode === 'surge') {
    const fresh = old.map(() => fork());
    await Promise.all(fresh.map(listening));
    forkToListeningMs = performance.now() - t0;
    current = fresh;
    for (const w of old) w.disconnect();
  } else {
    current = [];
    for (const w of old) {
      const t1 = performance.now();
      const fresh = fork();
      await listening(fresh);
      forkToListeningMs += performance.now() - t1;
      current.push(fresh);
      w.disconnect();
    }
  }
  await Promise.all(old.map(exited));
  return { forkToListeningMs, totalMs: performance.now() - t0 };
}

function killAll() {
  for (const w of Object.values(cluster.workers)) {
    try {
      w.process.kill('SIGKILL');
    } catch {}
  }
}

process.on('SIGTERM', () => {
  killAll();
  process.exit(0);
});
// The benchmark went away: leave nothing behind.
process.on('disconnect', () => {
  killAll();
  process.exit(0);
});

let busy = Promise.resolve();
process.on('message', (msg) => {
  if (msg && msg.type === 'reload') {
    busy = busy.then(() => reload(msg.mode || 'rolling')).then(
      (r) => process.send({ type: 'reload', ...r }),
      (err) => process.send({ type: 'reload', error: String(err) }),
    );
  }
});

(async () => {
  const t0 = performance.now();
  current = Array.from({ length: instances }, fork);
  await Promise.all(current.map(listening));
  const started = { type: 'started', ms: performance.now() - t0, pids: current.map((w) => w.process.pid) };
  if (process.send) process.send(started);
  else console.log(JSON.stringify(started));
})().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
