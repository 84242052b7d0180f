/** The log writer on real files: stamps, rotation without split or lost lines, tail, flush, failure and resume. */
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStamp } from '../../../src/logs/date-format.js';
import { LogWriter, parseLogLine, RETRY_MS, type LogLine, type LogTargets } from '../../../src/logs/log-writer.js';
import { readLastLines } from '../../../src/logs/tail.js';

function tempDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The default files of app "api" in `dir`, as the daemon passes them per line. */
const put = (writer: LogWriter, dir: string, l: LogLine, extra: Omit<LogTargets, 'files'> = {}) =>
  writer.write(l, { files: [join(dir, `api-${l.stream === 'out' ? 'out' : 'error'}.log`)], ...extra });
const files = (dir: string) => ({ app: 'api', out: [join(dir, 'api-out.log')], err: [join(dir, 'api-error.log')] });

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
  const writer = new LogWriter(() => t.fail('no error expected'));
  put(writer, dir, line(1));
  put(writer, dir, line(2, 'err'));
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
  const writer = new LogWriter(() => t.fail('no error expected'));
  const targets = { log_max_size: 4096, log_retain: 1000 };
  for (let n = 1; n <= 3000; n++) {
    put(writer, dir, line(n), targets);
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
  const small = new LogWriter(() => t.fail('no error expected'));
  for (let n = 1; n <= 3000; n++) {
    put(small, dir2, line(n), { log_max_size: 4096, log_retain: 2 });
    small.drain();
  }
  await small.close();
  t.same(readdirSync(dir2).sort(), ['api-out.log', 'api-out.log.1', 'api-out.log.2'], 'older rotated files deleted');
});

t.test('tail reads the last lines of both streams merged by time, across a rotation', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(() => t.fail('no error expected'));
  for (let n = 1; n <= 200; n++) put(writer, dir, line(n, n % 4 === 0 ? 'err' : 'out'), { log_max_size: 2000, log_retain: 5 });
  const apps = [files(dir)];
  const last = writer.tail(apps, { lines: 30 });
  t.same(last.lines.map((e) => Number(e.text.split(' ')[1])), Array.from({ length: 30 }, (_, i) => 171 + i), 'the last 30, oldest first');
  t.same(last.files, [join(dir, 'api-out.log'), join(dir, 'api-error.log')]);
  const errOnly = writer.tail(apps, { lines: 5, stream: 'err' });
  t.same(errOnly.lines.map((e) => e.text.split(' ')[1]), ['184', '188', '192', '196', '200']);
  t.same(writer.tail([{ app: 'none', out: [join(dir, 'none-out.log')], err: [] }], { lines: 5 }).lines, [], 'no files: no lines');
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
  const writer = new LogWriter(() => t.fail('no error expected'));
  const targets = { log_max_size: 1000, log_retain: 3 };
  for (let n = 1; n <= 100; n++) put(writer, dir, line(n), targets);
  put(writer, dir, line(1, 'err'), targets);
  writer.drain();
  t.ok(existsSync(join(dir, 'api-out.log.1')));
  t.same(writer.flush([join(dir, 'api-out.log'), join(dir, 'api-error.log')]).sort(), [join(dir, 'api-error.log'), join(dir, 'api-out.log')]);
  t.same(readdirSync(dir).sort(), ['api-error.log', 'api-out.log']);
  t.equal(statSync(join(dir, 'api-out.log')).size, 0);
  put(writer, dir, line(101), targets);
  await writer.close();
  t.match(readFileSync(join(dir, 'api-out.log'), 'utf8'), /^\S+ \[api#2 r2\] line 101/);
});

t.test('a file that cannot be written is reported once, and writing resumes when it can', async (t) => {
  const dir = tempDir(t);
  const errors: string[] = [];
  const resumed: number[] = [];
  let now = 1_000_000;
  const writer = new LogWriter({ onError: (path, err) => errors.push(`${path}: ${(err as NodeJS.ErrnoException).code}`), onResume: (_p, dropped) => resumed.push(dropped), now: () => now });
  // A file where the log directory should be: ENOTDIR (EEXIST from mkdir) until it is removed.
  const blocker = join(dir, 'logs');
  writeFileSync(blocker, '');
  const file = join(blocker, 'app.log');
  const targets = { files: [file] };
  for (let n = 1; n <= 5; n++) {
    writer.write(line(n), targets);
    writer.drain();
    now += 10;
  }
  t.equal(errors.length, 1, `reported once: ${errors.join(', ')}`);
  unlinkSync(blocker);
  writer.write(line(6), targets);
  writer.drain();
  t.notOk(existsSync(file), 'not retried before RETRY_MS');
  now += RETRY_MS;
  writer.write(line(7), targets);
  writer.drain();
  t.same(resumed, [6], 'resumed, saying 6 lines were lost');
  t.match(readFileSync(file, 'utf8'), /line 7/, 'the directory was created');
  await writer.close();
});

t.test('a full disk (/dev/full behind a path) is never written through a link: the link is refused', async (t) => {
  const dir = tempDir(t);
  const errors: Error[] = [];
  const writer = new LogWriter({ onError: (_path, err) => errors.push(err) });
  const file = join(dir, 'full.log');
  symlinkSync('/dev/full', file);
  writer.write(line(1), { files: [file] });
  writer.drain();
  t.equal(errors.length, 1);
  t.equal(errors[0]!.name, 'LogFileRefused', errors[0]!.message);
  await writer.close();
});

t.test('a file removed while open (an app deleted, its log rm-ed) is created again at the next start', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(() => t.fail('no error expected'));
  put(writer, dir, line(1));
  writer.drain();
  const path = join(dir, 'api-out.log');
  unlinkSync(path);
  put(writer, dir, line(2));
  writer.drain();
  t.notOk(existsSync(path), 'without a check the open descriptor writes into the removed file');
  writer.reopenIfReplaced([path]);
  put(writer, dir, line(3));
  writer.drain();
  t.match(readFileSync(path, 'utf8'), /^\S+ \[api#0 r2\] line 3/, 'reopened: the file is back with the new line');
  writer.release([path]);
  unlinkSync(path);
  put(writer, dir, line(4));
  await writer.close();
  t.match(readFileSync(path, 'utf8'), /line 4/, 'released (app deleted): the next line creates the file');
});

t.test('log_type json: one JSON object per line with PM2\'s fields, read back by tail', async (t) => {
  const dir = tempDir(t);
  const writer = new LogWriter(() => t.fail('no error expected'));
  put(writer, dir, line(1), { log_type: 'json' });
  put(writer, dir, { ...line(2, 'err'), text: 'say "hi"\ttab' }, { log_type: 'json' });
  writer.drain();
  const raw = readFileSync(join(dir, 'api-out.log'), 'utf8');
  t.same(JSON.parse(raw), { message: 'line 1 x', timestamp: '2026-11-23T10:00:00.001Z', type: 'out', process_id: 1, app_name: 'api', revision: 2 });
  t.same(
    writer.tail([files(dir)], { lines: 5 }).lines.map((e) => [e.stream, e.worker_id, e.text]),
    [
      ['out', 1, 'line 1 x'],
      ['err', 2, 'say "hi"\ttab'],
    ],
  );
  await writer.close();
});
