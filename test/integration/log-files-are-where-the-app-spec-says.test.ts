/**
 * Log paths are the app's: relative to its cwd (never the daemon's), parents created,
 * /dev/null and NULL store nothing, log_file gets both streams, merge_logs: false one file per
 * instance, log_type json PM2's objects; status --json gives every path.
 */
import t from 'tap';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, Home, writeEcosystem } from '../helpers/harness.js';
import { waitForFile } from '../helpers/files.js';

t.test("two projects with the same out_file './logs/out.log' each get their own, under their cwd", async (t) => {
  const home = new Home(t);
  const projects = ['one', 'two'].map((name) => join(home.dir, 'projects', name));
  for (const dir of projects) mkdirSync(dir, { recursive: true });
  const ports = new Set<number>();
  while (ports.size < 2) ports.add(await freePort());
  const files = [...ports].map((port, i) =>
    writeEcosystem(home, [{ name: `p${i}`, script: 'says-hello.cjs', cwd: projects[i], out_file: './logs/out.log', error_file: './logs/deep/err.log', env: { PORT: port } }], `p${i}.json`),
  );
  // The CLI (and so the daemon it starts) runs from the home directory, not from the projects.
  for (const file of files) {
    const r = await home.run(['start', file]);
    t.equal(r.code, 0, r.stderr);
  }
  for (const [i, dir] of projects.entries()) {
    t.match(await waitForFile(join(dir, 'logs', 'out.log'), /hello out 0/), new RegExp(`\\[p${i}#\\d+ r1\\] hello out 0`), `p${i}: its stdout in its own project`);
    t.match(await waitForFile(join(dir, 'logs', 'deep', 'err.log'), /hello err 0/), new RegExp(`\\[p${i}#\\d+ r1\\] hello err 0`), `p${i}: parents created`);
  }
  t.notOk(existsSync(join(home.dir, 'logs', 'out.log')), "nothing under the daemon's directory");
  const status = await home.status();
  t.same(
    status.apps.map((a) => a.log_files),
    projects.map((dir) => ({ out: [join(dir, 'logs', 'out.log')], err: [join(dir, 'logs', 'deep', 'err.log')], combined: [] })),
    'status --json gives each app its paths',
  );
});

t.test('NULL stores nothing; log_file gets both streams; merge_logs false: one set per instance; log_type json', async (t) => {
  const home = new Home(t);
  const logs = join(home.dir, 'logs');
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [p1, p2, p3] = [...ports];
  const file = writeEcosystem(home, [
    { name: 'quiet', script: 'says-hello.cjs', out_file: 'NULL', error_file: '/dev/null', log_file: 'all.log', env: { PORT: p1 } },
    { name: 'split', script: 'says-hello.cjs', instances: 2, merge_logs: false, env: { PORT: p2 } },
    { name: 'json', script: 'says-hello.cjs', log_type: 'json', env: { PORT: p3 } },
  ]);
  const r = await home.run(['start', file]);
  t.equal(r.code, 0, r.stderr);

  await waitForFile(join(home.dir, 'all.log'), /hello out 0/);
  t.match(await waitForFile(join(home.dir, 'all.log'), /hello err 0/), /hello out 0/, "log_file (relative to the cwd, the file's directory) holds both streams");
  t.notOk(readdirSync(logs).some((f) => f.startsWith('quiet')), 'NULL and /dev/null: no quiet-*.log');

  for (const i of [0, 1]) {
    t.match(await waitForFile(join(logs, `split-out-${i}.log`), /hello out/), new RegExp(`hello out ${i}\\n$`), `instance ${i}: its own out file`);
    t.match(await waitForFile(join(logs, `split-error-${i}.log`), /hello err/), new RegExp(`hello err ${i}\\n$`), `instance ${i}: its own error file`);
  }
  t.notOk(existsSync(join(logs, 'split-out.log')), 'no merged file');

  const json = JSON.parse((await waitForFile(join(logs, 'json-out.log'), /hello out/)).trim()) as Record<string, unknown>;
  t.same(Object.keys(json).sort(), ['app_name', 'message', 'process_id', 'revision', 'timestamp', 'type']);
  t.match(json, { message: 'hello out 0', type: 'out', app_name: 'json', process_id: Number, revision: 1 });
  const tail = await home.run(['logs', 'json', '--lines', '5', '--json']);
  t.match(tail.stdout, /"text":"hello out 0"/, 'hotctl logs reads JSON lines back');

  const status = await home.status();
  const byName = Object.fromEntries(status.apps.map((a) => [a.name, a.log_files]));
  t.same(byName.quiet, { out: [], err: [], combined: [join(home.dir, 'all.log')] });
  t.same(byName.split!.out, [join(logs, 'split-out-0.log'), join(logs, 'split-out-1.log')]);
});
