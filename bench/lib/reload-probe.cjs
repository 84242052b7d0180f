'use strict';
// A probe preloaded (NODE_OPTIONS=-r) into a cluster primary (hotctl's daemon, or
// bench/lib/bare-primary.cjs) and its workers, for bench/reload-phases.mjs: it stamps, in epoch
// ms with fractions (performance.timeOrigin + performance.now(): comparable across processes),
//
//   primary  fork-begin / fork-end (cluster.fork), each worker's 'online', every IPC message from
//            a worker as it arrives (before the primary's own listeners), the control socket's
//            incoming data and the operation events it writes (hotctl), and synchronous fsyncs
//            and state-file writes (fs.fsyncSync / writeSync / renameSync, with their duration);
//   worker   the process's start (timeOrigin), the probe's first line (Node's boot done), every
//            IPC message it sends or receives, and `globalThis.__reloadStamp(what)` calls (the
//            app's own first line, its listen() call, its 'listening').
// Each stamp also carries the process's CPU time so far (ms, user + system).
//
// Lines of JSON, appended to RELOAD_PROBE_OUT (one file for every process) from a buffer flushed
// 200 ms after the last stamp. Without RELOAD_PROBE_OUT it does nothing; other processes (the
// CLI, `node -e`) stamp nothing.
const OUT = process.env.RELOAD_PROBE_OUT;
// node:cluster has read (and removed) NODE_UNIQUE_ID before preloads run.
const isWorker = OUT !== undefined && process.send !== undefined && require('node:cluster').isWorker;
const isPrimary = !isWorker && /daemon|bare-primary/.test(process.argv[1] || '');

if (OUT && (isWorker || isPrimary)) {
  const { appendFileSync } = require('node:fs');
  const role = isWorker ? 'worker' : 'primary';
  const origin = performance.timeOrigin; // a getter that is not cheap
  const now = () => origin + performance.now();
  // The same instant on the monotonic clock (µs), the clock of a --cpu-prof profile.
  const hrOffset = Number(process.hrtime.bigint() / 1000n) - now() * 1000;
  const hrUs = (t) => Math.round(t * 1000 + hrOffset);
  let lines = [];
  let timer = null;
  const flush = () => {
    timer = null;
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    lines = [];
    appendFileSync(OUT, text);
  };
  const stamp = (what, extra = {}, t = now()) => {
    const { user, system } = process.cpuUsage();
    lines.push(JSON.stringify({ pid: process.pid, role, what, t, ...extra, hr: hrUs(t), cpu: (user + system) / 1000 }));
    if (timer === null) {
      timer = setTimeout(flush, 200);
      timer.unref();
    }
  };
  process.on('exit', flush);
  globalThis.__reloadStamp = (what, extra) => stamp(what, extra);
  /** What a message is, in a few words: hotctl's `type`, node's `cmd`/`act`. */
  const kind = (m) => (m && typeof m === 'object' ? [m.type, m.cmd, m.act, m.via].filter((x) => x !== undefined).join(':') : typeof m);

  if (isWorker) {
    stamp('process-start', {}, performance.timeOrigin);
    stamp('preload');
    const send = process.send;
    if (send) {
      process.send = function (message, ...rest) {
        stamp('send', { msg: kind(message) });
        return send.call(this, message, ...rest);
      };
    }
    process.on('internalMessage', (m) => {
      if (!m || m.act !== 'conn') stamp('recv', { msg: kind(m) });
    });
  } else {
    const cluster = require('node:cluster');
    const net = require('node:net');
    const fs = require('node:fs');
    const fork = cluster.fork;
    cluster.fork = function (...args) {
      const t0 = now();
      const worker = fork.apply(this, args);
      const pid = worker.process.pid;
      stamp('fork', { worker: pid, ms: now() - t0 }, t0);
      worker.on('online', () => stamp('online', { worker: pid }));
      worker.process.on('internalMessage', (m) => {
        if (!m || m.act !== 'decline') stamp('recv', { worker: pid, msg: kind(m) });
      });
      worker.process.on('message', (m) => {
        if (!m || (m.type !== 'report' && m.type !== 'heartbeat')) stamp('recv', { worker: pid, msg: kind(m) });
      });
      return worker;
    };
    // The control socket: data in, operation events out (hotctl's daemon only).
    const emit = net.Server.prototype.emit;
    net.Server.prototype.emit = function (event, socket, ...rest) {
      if (event === 'connection' && typeof this.address() === 'string' && this.address().endsWith('daemon.sock')) {
        socket.prependListener('data', (chunk) => stamp('control-in', { bytes: chunk.length }));
        const write = socket.write;
        socket.write = function (chunk, ...more) {
          const text = Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
          const state = /"kind":"operation".*?"state":"([a-z_]+)"/.exec(text);
          stamp('control-out', state ? { state: state[1] } : { bytes: text.length });
          return write.call(this, chunk, ...more);
        };
      }
      return emit.call(this, event, socket, ...rest);
    };
    for (const name of ['fsyncSync', 'renameSync']) {
      const original = fs[name];
      fs[name] = function (...args) {
        const t0 = now();
        try {
          return original.apply(this, args);
        } finally {
          stamp(name, { ms: now() - t0 }, t0);
        }
      };
    }
  }
}
