import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, freePort, get, Home, writeEcosystem } from '../helpers/harness.js';

const STAMPED = /^\S+ \[logs#(\d+) r(\d+)\] (\d+) (out|err|end) (\d+)$/;

/** Every stamped line of the app's files (current and rotated), as [pid, kind, n, worker, revision]. */
function readAll(dir: string, base: string): Array<{ pid: number; kind: string; n: number; revision: number }> {
  const lines = [];
  for (const f of readdirSync(dir).filter((f) => f === base || f.startsWith(`${base}.`))) {
    for (const raw of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (raw === '') continue;
      const m = STAMPED.exec(raw);
      if (!m) throw new Error(`a line not whole or not stamped in ${f}: ${JSON.stringify(raw.slice(0, 200))}`);
      lines.push({ pid: Number(m[3]), kind: m[4]!, n: Number(m[5]), revision: Number(m[2]) });
    }
  }
  return lines;
}

t.test('logs: numbered lines printed fast across 3 reloads and many rotations arrive exactly once', async (t) => {
  const home = new Home(t);
  const port = await freePort();
  const file = writeEcosystem(home, [
    { name: 'logs', script: join(FIXTURES, 'logger.cjs'), instances: 2, env: { PORT: port, BURST: 20 }, log_max_size: '256K', log_retain: 10_000, rollback_window: 0 },
  ]);
  t.equal((await home.run(['start', file])).code, 0);
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 700));
    const r = await home.run(['reload', 'logs']);
    t.equal(r.code, 0, `reload ${i + 1}: ${r.stderr}`);
  }
  await new Promise((r) => setTimeout(r, 500));
  t.equal((await get(port)).status, 200, 'the app serves while it logs');

  // `hotctl logs` answers from the files while the workers still write.
  const tail = await home.run(['logs', 'logs', '--lines', '5', '--out', '--json']);
  t.equal(tail.code, 0, tail.stderr);
  const events = tail.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(events.length, 5, 'logs --lines 5 prints 5 lines');
  t.ok(events.every((e) => e.kind === 'log' && e.app === 'logs' && e.stream === 'out' && e.revision === 4), 'JSON lines of the current revision');
  const raw = await home.run(['logs', 'logs', '--lines', '3', '--err', '--raw']);
  t.match(raw.stdout, /^\d+ err \d+\n\d+ err \d+\n\d+ err \d+\n$/, '--raw prints lines as written');

  // `hotctl logs -f` follows live: lines written after it started arrive over the socket.
  const follower = home.spawnCli(['logs', 'logs', '-f', '--raw', '--out', '--lines', '0']);
  const followed = await new Promise<string[]>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`logs -f printed too little in 20 s: ${JSON.stringify(text.slice(0, 300))}`)), 20_000);
    follower.stdout!.on('data', (d) => {
      text += d;
      const lines = text.split('\n').slice(0, -1);
      if (lines.length >= 50) {
        clearTimeout(timer);
        resolve(lines);
      }
    });
  });
  follower.kill('SIGINT');
  t.ok(followed.every((l) => /^\d+ out \d+$/.test(l)), 'logs -f prints the live lines as written');
  const exit = await new Promise<number | null>((resolve) => (follower.exitCode !== null ? resolve(follower.exitCode) : follower.once('exit', (c) => resolve(c))));
  t.equal(exit, 0, 'logs -f ends cleanly on Ctrl-C');

  t.equal((await home.run(['stop', 'logs'])).code, 0);
  const logsDir = join(home.dir, 'logs');
  // The last lines of the stopped workers may still be on their way through the pipes.
  const ends = () => readAll(logsDir, 'logs-out.log').filter((l) => l.kind === 'end').length;
  for (let i = 0; i < 50 && ends() < 8; i++) await new Promise((r) => setTimeout(r, 100));
  const rotated = readdirSync(logsDir).filter((f) => f.startsWith('logs-out.log.')).length;
  t.ok(rotated >= 3, `the out log rotated ${rotated} times`);

  for (const [base, kind, step] of [['logs-out.log', 'out', 1], ['logs-error.log', 'err', 10]] as const) {
    const lines = readAll(logsDir, base);
    const pids = new Map<number, { numbers: number[]; end: number | null; revision: number }>();
    for (const l of lines) {
      const entry = pids.get(l.pid) ?? { numbers: [], end: null, revision: l.revision };
      if (l.kind === 'end') {
        t.equal(entry.end, null, `one end line for pid ${l.pid}`);
        entry.end = l.n;
      } else entry.numbers.push(l.n);
      pids.set(l.pid, entry);
    }
    t.equal(pids.size, 8, `${base}: 8 workers (2 per revision, 4 revisions) wrote`);
    let total = 0;
    for (const [pid, { numbers, end }] of pids) {
      t.not(end, null, `${base}: pid ${pid} wrote its end line`);
      const expected = Array.from({ length: Math.floor((end ?? 0) / step) }, (_, i) => (i + 1) * step);
      const sorted = [...numbers].sort((a, b) => a - b);
      if (JSON.stringify(sorted) !== JSON.stringify(expected)) {
        t.fail(`${base}: pid ${pid}: lines 1..${end} not each exactly once (${numbers.length} lines, expected ${expected.length})`);
      }
      total += numbers.length;
    }
    t.pass(`${base}: ${total} ${kind} lines, each exactly once`);
  }
});

/** A 256 KB tmpfs under `dir`, unmounted at teardown; null (with the reason) when it cannot be mounted. */
function smallDisk(t: { teardown(fn: () => void): void }, dir: string): string | null {
  const mountPoint = join(dir, 'small');
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
  if (mounted.status !== 0) return null;
  t.teardown(() => void spawnSync('umount', ['-l', mountPoint]));
  return mountPoint;
}

t.test('logs: a full disk keeps the app serving, is reported, and logging resumes when space returns', async (t) => {
  const home = new Home(t);
  // Log files are never opened through a link (so /dev/full behind a symlink is refused): a real,
  // small file system filled up stands for the full disk. Mounting it needs root.
  const disk = smallDisk(t, home.dir);
  if (disk === null) {
    t.comment('skipped: a small tmpfs cannot be mounted here (needs root)');
    return;
  }
  const filler = join(disk, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC: the disk is full, as wanted.
  }
  const port = await freePort();
  const out = join(disk, 'app-out.log');
  const file = writeEcosystem(home, [{ name: 'full', script: join(FIXTURES, 'logger.cjs'), instances: 1, env: { PORT: port, BURST: 1 }, out_file: out }]);
  t.equal((await home.run(['start', file])).code, 0);
  const reported = await home.waitForStatus((s) => s.daemon.notices.some((n) => n.includes(out)));
  t.match(reported.daemon.notices.join('\n'), /Cannot write log file .*app-out\.log: ENOSPC/, 'status reports the error');
  const text = (await home.run(['status'])).stdout;
  t.match(text, /notice: Cannot write log file/, 'the status table shows it');
  for (let i = 0; i < 20; i++) t.equal((await get(port)).status, 200);
  t.equal(reported.apps[0]!.workers[0]!.state, 'ready', 'the worker keeps serving');

  rmSync(filler);
  const back = await home.waitForStatus((s) => s.daemon.notices.length === 0);
  t.same(back.daemon.notices, [], 'the notice goes away');
  await new Promise((r) => setTimeout(r, 300));
  t.match(readFileSync(out, 'utf8'), /\[full#\d+ r1\] \d+ out \d+/, 'lines are written again');
});
