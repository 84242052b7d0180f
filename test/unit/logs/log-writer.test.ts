/** The log writer on real files: stamps, rotation without split or lost lines, tail, flush, failure and resume. */
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStamp } from '../../../src/logs/date-format.js';
import { LogWriter, parseLogLine, RETRY_MS, type LogLine } from '../../../src/logs/log-writer.js';
import { readLastLines } from '../../../src/logs/tail.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const line = (n: number, stream: 'out' | 'err' = 'out', atMs = Date.UTC(2026, 10, 23, 10, 0, 0, n)): LogLine => ({
  app: 'api',
  workerId: n % 3,
  revision: 2,
  stream,
  text: `line ${n} ${'x'.repeat(n % 50)}`,
  atMs,
});

t.test('each line is stamped with time, worker and revision, and reads back the same', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(dir, () => t.fail('no error expected'));
  writer.write(line(1), {});
  writer.write(line(2, 'err'), {});
  await writer.close();
  t.equal(readFileSync(join(dir, 'api-out.log'), 'utf8'), `2026-11-23T10:00:00.001Z [api#1 r2] line 1 ${'x'}\n`);
  const err = readFileSync(join(dir, 'api-error.log'), 'utf8').trimEnd();
  t.same(parseLogLine(err, 'api', 'err'), { kind: 'log', at: '2026-11-23T10:00:00.002Z', app: 'api', worker_id: 2, revision: 2, stream: 'err', text: 'line 2 xx' });
  t.same(parseLogLine('not stamped', 'api', 'out'), { kind: 'log', at: '', app: 'api', worker_id: -1, revision: 0, stream: 'out', text: 'not stamped' });
});

t.test('log_date_format takes the usual tokens', async (t) => {
  const at = new Date(2026, 10, 23, 9, 5, 7, 42).getTime();
  t.equal(formatStamp(at, 'YYYY-MM-DD HH:mm:ss.SSS'), '2026-11-23 09:05:07.042');
  t.match(formatStamp(at, 'DD/MM HH:mm Z'), /^23\/11 09:05 [+-]\d\d:\d\d$/);
  t.equal(formatStamp(at), new Date(at).toISOString());
});

t.test('rotation by size keeps every line whole and exactly once, and only log_retain old files', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(dir, () => t.fail('no error expected'));
  const targets = { log_max_size: 4096, log_retain: 1000 };
  for (let n = 1; n <= 3000; n++) {
    writer.write(line(n), targets);
    if (n % 97 === 0) writer.drain();
  }
  await writer.close();
  const files = readdirSync(dir).filter((f) => f.startsWith('api-out.log'));
  t.ok(files.length > 10, `rotated into ${files.length} files`);
  const seen: number[] = [];
  for (const f of files) {
    t.ok(statSync(join(dir, f)).size <= 4096, `${f} is within log_max_size`);
    for (const raw of readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const event = parseLogLine(raw, 'api', 'out');
      t.not(event.worker_id, -1, 'no split line');
      seen.push(Number(event.text.split(' ')[1]));
    }
  }
  seen.sort((a, b) => a - b);
  t.same(seen, Array.from({ length: 3000 }, (_, i) => i + 1), 'every line exactly once');

  const dir2 = tempDir(t);
  const small = new LogWriter(dir2, () => t.fail('no error expected'));
  for (let n = 1; n <= 3000; n++) {
    small.write(line(n), { log_max_size: 4096, log_retain: 2 });
    small.drain();
  }
  await small.close();
  t.same(readdirSync(dir2).sort(), ['api-out.log', 'api-out.log.1', 'api-out.log.2'], 'older rotated files deleted');
});

t.test('tail reads the last lines of both streams merged by time, across a rotation', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(dir, () => t.fail('no error expected'));
  for (let n = 1; n <= 200; n++) writer.write(line(n, n % 4 === 0 ? 'err' : 'out'), { log_max_size: 2000, log_retain: 5 });
  const apps = [{ app: 'api', targets: { log_max_size: 2000, log_retain: 5 } }];
  const last = writer.tail(apps, { lines: 30 });
  t.same(last.lines.map((e) => Number(e.text.split(' ')[1])), Array.from({ length: 30 }, (_, i) => 171 + i), 'the last 30, oldest first');
  t.same(last.files, [join(dir, 'api-out.log'), join(dir, 'api-error.log')]);
  const errOnly = writer.tail(apps, { lines: 5, stream: 'err' });
  t.same(errOnly.lines.map((e) => e.text.split(' ')[1]), ['184', '188', '192', '196', '200']);
  t.same(writer.tail([{ app: 'none', targets: {} }], { lines: 5 }).lines, [], 'no files: no lines');
  await writer.close();
});

t.test('readLastLines: more lines than a block, no final newline, empty file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'f.log');
  const lines = Array.from({ length: 20_000 }, (_, i) => `${i} ${'y'.repeat(i % 13)}`);
  writeFileSync(path, lines.join('\n'));
  t.same(readLastLines(path, 3), lines.slice(-3));
  t.same(readLastLines(path, 15_000), lines.slice(-15_000));
  writeFileSync(path, '');
  t.same(readLastLines(path, 3), []);
});

t.test('flush empties the files and deletes rotated ones; writing goes on', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(dir, () => t.fail('no error expected'));
  const targets = { log_max_size: 1000, log_retain: 3 };
  for (let n = 1; n <= 100; n++) writer.write(line(n), targets);
  writer.write(line(1, 'err'), targets);
  writer.drain();
  t.ok(existsSync(join(dir, 'api-out.log.1')));
  t.same(writer.flush([{ app: 'api', targets }]).sort(), [join(dir, 'api-error.log'), join(dir, 'api-out.log')]);
  t.same(readdirSync(dir).sort(), ['api-error.log', 'api-out.log']);
  t.equal(statSync(join(dir, 'api-out.log')).size, 0);
  writer.write(line(101), targets);
  await writer.close();
  t.match(readFileSync(join(dir, 'api-out.log'), 'utf8'), /^\S+ \[api#2 r2\] line 101/);
});

t.test('a file that cannot be written is reported once, and writing resumes when it can', async (t) => {
  const dir = tempDir(t);
  const errors: string[] = [];
  const resumed: number[] = [];
  let now = 1_000_000;
  const writer = new LogWriter(dir, { onError: (path, err) => errors.push(`${path}: ${(err as NodeJS.ErrnoException).code}`), onResume: (_p, dropped) => resumed.push(dropped), now: () => now });
  // /dev/full answers every write with ENOSPC: a real full disk.
  const file = join(dir, 'full.log');
  symlinkSync('/dev/full', file);
  const targets = { out_file: file };
  for (let n = 1; n <= 5; n++) {
    writer.write(line(n), targets);
    writer.drain();
    now += 10;
  }
  t.same(errors, [`${file}: ENOSPC`], 'reported once');
  unlinkSync(file);
  writer.write(line(6), targets);
  writer.drain();
  t.notOk(existsSync(file), 'not retried before RETRY_MS');
  now += RETRY_MS;
  writer.write(line(7), targets);
  writer.drain();
  t.same(resumed, [6], 'resumed, saying 6 lines were lost');
  t.match(readFileSync(file, 'utf8'), /line 7/);

  // A directory that does not exist yet: ENOENT, then the directory appears.
  const missing = join(dir, 'later', 'app.log');
  writer.write(line(8), { out_file: missing });
  writer.drain();
  t.match(errors[1], /ENOENT/);
  mkdirSync(join(dir, 'later'));
  now += RETRY_MS;
  writer.write(line(9), { out_file: missing });
  await writer.close();
  t.match(readFileSync(missing, 'utf8'), /line 9/);
});
