/** /proc/<pid>/stat read directly: memory as the kernel counts it, CPU since the last read. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { haveProcStat, ProcStat } from '../../../src/metrics/proc-stat.js';

if (!haveProcStat()) {
  t.pass('no /proc/<pid>/stat on this system: pidusage is used instead');
} else {
  const vmRss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

  t.test('memory is the resident set the kernel reports', async (t) => {
    const usage = new ProcStat().read([process.pid]);
    const rss = vmRss(process.pid);
    t.ok(Math.abs(usage[process.pid]!.memory - rss) / rss < 0.05, `${usage[process.pid]!.memory} ≈ ${rss}`);
  });

  t.test('a process that spins uses more CPU than one that sleeps; a gone pid is absent', async (t) => {
    const spin = spawn(process.execPath, ['-e', 'process.send("up"); for (;;) {}'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const sleep = spawn(process.execPath, ['-e', 'process.send("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    t.teardown(() => void (spin.kill('SIGKILL'), sleep.kill('SIGKILL')));
    await Promise.all([spin, sleep].map((c) => new Promise((resolve) => c.once('message', resolve))));
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    const stat = new ProcStat();
    const pids = [spin.pid!, sleep.pid!, gone.pid!];
    stat.read(pids);
    // Wait until the spinning one has been given CPU since the first read (it always is, soon).
    let usage = stat.read(pids);
    while (!(usage[spin.pid!]!.cpu > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      usage = stat.read(pids);
    }
    t.ok(usage[spin.pid!]!.cpu > usage[sleep.pid!]!.cpu, `${usage[spin.pid!]!.cpu} > ${usage[sleep.pid!]!.cpu}`);
    t.same(Object.keys(usage).map(Number).sort(), [spin.pid!, sleep.pid!].sort());
  });
}
