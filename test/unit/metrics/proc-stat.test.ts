/** /proc/<pid>/stat read directly: memory as the kernel counts it, CPU since the last read. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import t from 'tap';
import { haveProcStat, parseStat, ProcStat } from '../../../src/metrics/proc-stat.js';

t.test('parseStat: utime, stime, starttime and rss from the bytes, whatever the command name holds; null-ish text is refused', async (t) => {
  const line = (comm: string) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1500 0 0 0 731 245 0 0 20 0 11 0 98765 1234567890 11223 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 1 0 0 0 0 0\n`;
  for (const comm of ['node', 'a b', 'x) S 1 2 (y', ')(', '']) {
    const bytes = Buffer.from(line(comm), 'latin1');
    const into = [0, 0, 0, 0];
    t.equal(parseStat(bytes, bytes.length, into), true, comm);
    t.same(into, [731, 245, 98765, 11223], `fields of ${JSON.stringify(comm)}`);
  }
  const into = [0, 0, 0, 0];
  t.equal(parseStat(Buffer.from('no parenthesis here'), 19, into), false);
  const short = Buffer.from('1 (x) S 1 2 3');
  t.equal(parseStat(short, short.length, into), false, 'too few fields');
});

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

  /** This process's open files that are some /proc/<pid>/stat. */
  const openStatFiles = (): string[] =>
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const target = readlinkSync(`/proc/self/fd/${fd}`);
        return /^\/proc\/\d+\/stat$/.test(target) ? [target] : [];
      } catch {
        return [];
      }
    });

  t.test('each file stays open between reads and is read anew; closed when its process exits, its pid is not asked for, or on clear', async (t) => {
    const spawnIdle = () => spawn(process.execPath, ['-e', 'process.send("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const a = spawnIdle();
    const b = spawnIdle();
    t.teardown(() => void (a.kill('SIGKILL'), b.kill('SIGKILL')));
    await Promise.all([a, b].map((c) => new Promise((resolve) => c.once('message', resolve))));
    const before = openStatFiles().length;
    const stat = new ProcStat();
    const first = stat.read([a.pid!, b.pid!]);
    t.equal(openStatFiles().length, before + 2, 'one open file per pid');
    const again = stat.read([a.pid!, b.pid!]);
    t.equal(openStatFiles().length, before + 2, 'no new file at the second read');
    t.ok(again[a.pid!]!.memory > 0 && first[b.pid!]!.memory > 0);
    t.same(Object.keys(stat.read([a.pid!])).map(Number), [a.pid!], 'only the pid asked for');
    t.equal(openStatFiles().length, before + 1, "the file of the pid not asked for is closed");
    a.kill('SIGKILL');
    await new Promise((resolve) => a.once('exit', resolve));
    // Reaped: the pid is gone, its open file fails to read.
    t.same(stat.read([a.pid!, b.pid!])[a.pid!], undefined, 'an exited process is absent');
    t.equal(openStatFiles().length, before + 1, "the exited process's file is closed");
    stat.clear();
    t.equal(openStatFiles().length, before, 'clear closes every file');
  });

  t.test('the text read through a kept file is the current one (RSS follows the process)', async (t) => {
    const grow = spawn(process.execPath, ['-e', 'const keep = []; process.on("message", () => { keep.push(Buffer.alloc(64 * 1024 * 1024, 1)); process.send("grown"); }); process.send("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    t.teardown(() => void grow.kill('SIGKILL'));
    await new Promise((resolve) => grow.once('message', resolve));
    const stat = new ProcStat();
    t.teardown(() => stat.clear());
    const small = stat.read([grow.pid!])[grow.pid!]!.memory;
    grow.send('grow');
    await new Promise((resolve) => grow.once('message', resolve));
    const big = stat.read([grow.pid!])[grow.pid!]!.memory;
    t.ok(big > small + 32 * 1024 * 1024, `${small} → ${big}`);
  });
}
