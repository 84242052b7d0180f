/** Where an app's lines go: PM2's keys, aliases, `~`, cwd, NULL, log_file, merge_logs: false. */
import t from 'tap';
import { allLogFilesOf, expandHome, isNullPath, logFilesOf, perInstancePath, type LogPathSpec } from '../../../src/logs/log-paths.js';

const ctx = { logsDir: '/h/logs', homeDir: '/home/u' };
const spec = (extra: Partial<LogPathSpec> = {}): LogPathSpec => ({ name: 'api', cwd: '/srv/api', script: '/srv/api/server.js', instances: 2, merge_logs: true, ...extra });

t.test('defaults: HOTCTL_HOME/logs/<name>-out.log and -error.log, no combined file', async (t) => {
  t.same(logFilesOf(spec(), ctx, 0), { out: '/h/logs/api-out.log', err: '/h/logs/api-error.log', combined: null });
});

t.test("relative paths are the app's cwd's, never the daemon's; ~ is the home directory; absolute stay", async (t) => {
  t.same(logFilesOf(spec({ out_file: './logs/out.log', error_file: '~/err.log', log_file: '/var/log/api.log' }), ctx, 0), {
    out: '/srv/api/logs/out.log',
    err: '/home/u/err.log',
    combined: '/var/log/api.log',
  });
  t.equal(logFilesOf(spec({ cwd: undefined, out_file: 'o.log' }), ctx, 0).out, '/srv/api/o.log', 'no cwd: the script\'s directory');
});

t.test('PM2 aliases output and error; the PM2 key wins when both are set', async (t) => {
  t.same(logFilesOf(spec({ output: 'o.log', error: 'e.log' }), ctx, 0), { out: '/srv/api/o.log', err: '/srv/api/e.log', combined: null });
  t.equal(logFilesOf(spec({ output: 'o.log', out_file: 'real.log' }), ctx, 0).out, '/srv/api/real.log');
});

t.test('"/dev/null" and "NULL" store nothing; disable_logs stores nothing at all', async (t) => {
  t.ok(isNullPath('NULL') && isNullPath('/dev/null') && !isNullPath('null.log'));
  t.same(logFilesOf(spec({ out_file: 'NULL', error_file: '/dev/null' }), ctx, 0), { out: null, err: null, combined: null });
  t.same(logFilesOf(spec({ disable_logs: true, log_file: true }), ctx, 0), { out: null, err: null, combined: null });
});

t.test('log_file: true is HOTCTL_HOME/logs/<name>.log; false is none', async (t) => {
  t.equal(logFilesOf(spec({ log_file: true }), ctx, 0).combined, '/h/logs/api.log');
  t.equal(logFilesOf(spec({ log_file: false }), ctx, 0).combined, null);
});

t.test('merge_logs: false (or combine_logs: false) gives each instance its files, PM2\'s "-<n>.log"', async (t) => {
  t.equal(perInstancePath('/a/out.log', 3), '/a/out-3.log');
  t.equal(perInstancePath('/a/out-1.log', 3), '/a/out-3.log', 'a trailing -<digits>.log is replaced, as PM2 does');
  t.equal(perInstancePath('/a/out.txt', 3), '/a/out.txt-3');
  const s = spec({ merge_logs: false, log_file: true });
  t.same(logFilesOf(s, ctx, 1), { out: '/h/logs/api-out-1.log', err: '/h/logs/api-error-1.log', combined: '/h/logs/api-1.log' });
  t.same(allLogFilesOf(s, ctx), {
    out: ['/h/logs/api-out-0.log', '/h/logs/api-out-1.log'],
    err: ['/h/logs/api-error-0.log', '/h/logs/api-error-1.log'],
    combined: ['/h/logs/api-0.log', '/h/logs/api-1.log'],
  });
  t.equal(logFilesOf(spec({ combine_logs: false }), ctx, 1).out, '/h/logs/api-out-1.log', 'combine_logs is the alias');
  t.equal(logFilesOf(spec({ merge_logs: false, combine_logs: true }), ctx, 1).out, '/h/logs/api-out.log', 'the alias, when set, wins over the default');
  t.same(allLogFilesOf(spec(), ctx), { out: ['/h/logs/api-out.log'], err: ['/h/logs/api-error.log'], combined: [] });
});

t.test('expandHome: only a leading ~ or ~/', async (t) => {
  t.equal(expandHome('~', '/home/u'), '/home/u');
  t.equal(expandHome('~/a', '/home/u'), '/home/u/a');
  t.equal(expandHome('a/~/b', '/home/u'), 'a/~/b');
  t.equal(expandHome('~other/a', '/home/u'), '~other/a');
});
