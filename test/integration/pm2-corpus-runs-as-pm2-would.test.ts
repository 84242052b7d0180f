import t from 'tap';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AppStatusInfo, StatusSnapshot } from '../../src/protocol/index.js';
import { get, Home, ROOT } from '../helpers/harness.js';

/**
 * Sixteen ecosystem files shaped like the ones PM2 users keep in their repositories
 * (test/fixtures/corpus/: web + queue consumer + cron job, a monorepo, `npm start`,
 * `env_production`, relative log paths, camelCase keys, computed apps, no names, a top-level
 * list, one app object, JSON with comments, YAML, instance_var, an ESM project, old PM2 keys,
 * a job every second), each started by `hotctl start` into one daemon, from a shell of its own,
 * with its ports swapped for free ones and nothing else changed. After 20 s of running side by
 * side: which processes run, how many restarts, where the logs are, what env each app got.
 */

type Kind = 'web' | 'consumer' | 'job';

interface ExpectedApp {
  name: string;
  kind: Kind;
  workers: number;
  env?: Record<string, string>;
  /** The working directory the app runs in, relative to the project. */
  cwd?: string;
}

interface Project {
  dir: string;
  file: string;
  /** The port numbers written in the project's files; each is swapped for a free one. */
  ports: number[];
  args?: string[];
  apps: ExpectedApp[];
  /** Log files the file names (relative to the project) and a line each must hold. */
  logs?: Array<[string, RegExp]>;
}

const CORES_CAPPED_AT_2 = 2;

const PROJECTS: Project[] = [
  {
    dir: '01-web-queue-cron',
    file: 'ecosystem.config.js',
    ports: [3100],
    args: ['--env', 'production'],
    apps: [
      { name: 'shop-api', kind: 'web', workers: 2, env: { NODE_ENV: 'production' } },
      { name: 'shop-worker', kind: 'consumer', workers: 1, env: { NODE_ENV: 'production', QUEUE: 'orders' } },
      { name: 'shop-report', kind: 'job', workers: 0 },
    ],
  },
  {
    dir: '02-monorepo',
    file: 'ecosystem.config.js',
    ports: [3200, 3201],
    args: ['--env', 'production'],
    apps: [
      { name: 'gateway', kind: 'web', workers: -1, env: { LOG_LEVEL: 'info', NODE_ENV: 'production' }, cwd: 'packages/gateway' },
      { name: 'users', kind: 'web', workers: 1, env: { NODE_ENV: 'production' }, cwd: 'packages/users' },
      { name: 'mailer', kind: 'consumer', workers: 1, env: { NODE_ENV: 'production', SMTP_HOST: 'localhost' }, cwd: 'packages/mailer' },
    ],
  },
  { dir: '03-npm-start', file: 'ecosystem.config.js', ports: [3300], apps: [{ name: 'storefront', kind: 'web', workers: 1, env: { NODE_ENV: 'production' } }] },
  {
    dir: '04-env-production',
    file: 'ecosystem.json',
    ports: [3400],
    args: ['--env', 'production'],
    apps: [{ name: 'billing', kind: 'web', workers: 2, env: { NODE_ENV: 'production', STRIPE_MODE: 'live', DEBUG: 'false' } }],
  },
  {
    dir: '05-log-paths',
    file: 'ecosystem.config.js',
    ports: [3500],
    apps: [
      { name: 'cms', kind: 'web', workers: 2 },
      { name: 'cms-jobs', kind: 'consumer', workers: 1 },
    ],
    logs: [
      ['logs/cms-out.log', /listening on/],
      ['logs/jobs.log', /consumer: connected/],
    ],
  },
  { dir: '06-camel-case', file: 'ecosystem.config.js', ports: [3600], apps: [{ name: 'notifier', kind: 'web', workers: 2 }] },
  {
    dir: '07-computed-apps',
    file: 'ecosystem.config.js',
    ports: [3700],
    apps: [
      { name: 'api-acme', kind: 'web', workers: CORES_CAPPED_AT_2, env: { TENANT: 'acme' } },
      { name: 'api-globex', kind: 'web', workers: CORES_CAPPED_AT_2, env: { TENANT: 'globex' } },
    ],
  },
  {
    dir: '08-no-name',
    file: 'ecosystem.json',
    ports: [3800],
    apps: [
      { name: 'api', kind: 'web', workers: 1 },
      { name: 'indexer', kind: 'consumer', workers: 1 },
    ],
  },
  {
    dir: '09-top-level-array',
    file: 'processes.json',
    ports: [3900],
    apps: [
      { name: 'static', kind: 'web', workers: 1 },
      { name: 'thumbnails', kind: 'consumer', workers: 1 },
    ],
  },
  { dir: '10-single-object', file: 'app.json', ports: [4000], apps: [{ name: 'webhook', kind: 'web', workers: 2 }] },
  { dir: '11-json-with-comments', file: 'ecosystem.json', ports: [4100], apps: [{ name: 'search', kind: 'web', workers: 2 }] },
  {
    dir: '12-yaml',
    file: 'process.yml',
    ports: [4200],
    apps: [
      { name: 'images', kind: 'web', workers: 2, env: { CDN_URL: 'https://cdn.example.test' } },
      { name: 'images-gc', kind: 'job', workers: 0 },
    ],
  },
  {
    dir: '13-instance-var',
    file: 'ecosystem.config.js',
    ports: [4300, 4301],
    apps: [
      { name: 'socket', kind: 'web', workers: 2 },
      { name: 'admin', kind: 'web', workers: 1 },
    ],
  },
  { dir: '14-esm-project', file: 'ecosystem.config.cjs', ports: [4400], apps: [{ name: 'esm-api', kind: 'web', workers: 2, env: { NODE_ENV: 'development' } }] },
  {
    dir: '15-legacy-keys',
    file: 'ecosystem.config.js',
    ports: [4500],
    apps: [{ name: 'legacy', kind: 'web', workers: 1 }],
    logs: [['logs/combined.log', /listening on/]],
  },
  { dir: '16-every-second-job', file: 'ecosystem.config.js', ports: [], apps: [{ name: 'ticker', kind: 'job', workers: 0 }] },
];

/** Two free ports in a row (07's apps take base + i). */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers = [];
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const srv = createServer();
      ok = await new Promise<boolean>((resolve) => {
        srv.once('error', () => resolve(false));
        srv.listen(base + i, '127.0.0.1', () => resolve(true));
      });
      servers.push(srv);
    }
    await Promise.all(servers.map((s) => new Promise((r) => (s.listening ? s.close(r) : r(null)))));
    if (ok) return base;
  }
  throw new Error('no free ports');
}

interface Report {
  kind: Kind;
  app: string;
  pid: number;
  cwd: string;
  env: Record<string, string>;
}

function reports(dir: string): Report[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Report);
}

t.test('sixteen PM2-shaped projects run side by side as PM2 would run them', async (t) => {
  const home = new Home(t);
  const corpus = join(home.dir, 'corpus');
  cpSync(join(ROOT, 'test', 'fixtures', 'corpus'), corpus, { recursive: true });

  // Ports: every number the project's files hold is swapped, file by file.
  const portOf = new Map<string, number[]>();
  for (const project of PROJECTS) {
    const given: number[] = [];
    for (const fixed of project.ports) {
      const port = await freePorts(project.dir.startsWith('07') ? 2 : 1);
      given.push(port);
      const files = [project.file, 'package.json'].map((f) => join(corpus, project.dir, f)).filter(existsSync);
      let seen = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        seen += text.split(String(fixed)).length - 1;
        writeFileSync(file, text.replaceAll(String(fixed), String(port)));
      }
      if (seen !== 1) throw new Error(`${project.dir}: port ${fixed} written ${seen} times`);
    }
    portOf.set(project.dir, given);
  }

  // Each project from a shell of its own: its own CORPUS_SHELL, and the report directory.
  for (const project of PROJECTS) {
    const reportDir = join(home.dir, 'reports', project.dir);
    mkdirSync(reportDir, { recursive: true });
    const r = await home.run(['start', join(corpus, project.dir, project.file), ...(project.args ?? [])], {
      env: { CORPUS_REPORT_DIR: reportDir, CORPUS_SHELL: project.dir },
      timeoutMs: 90_000,
    });
    t.equal(r.code, 0, `${project.dir}: hotctl start exits 0\n${r.stderr}`);
  }
  const first: StatusSnapshot = await home.status();
  const pidsAtStart = new Map(first.apps.map((a) => [a.name, a.workers.map((w) => w.pid).sort()]));

  // Twenty seconds of running side by side: an observation window, not a synchronisation.
  await new Promise((r) => setTimeout(r, 20_000));
  const status = await home.status();
  const byName = new Map<string, AppStatusInfo>(status.apps.map((a) => [a.name, a]));
  t.same([...byName.keys()].sort(), PROJECTS.flatMap((p) => p.apps.map((a) => a.name)).sort(), 'every app of every file, and nothing else');

  for (const project of PROJECTS) {
    const reportDir = join(home.dir, 'reports', project.dir);
    const seen = reports(reportDir);
    for (const expected of project.apps) {
      const at = `${project.dir} ${expected.name}`;
      const app = byName.get(expected.name);
      if (!app) continue;
      const mine = seen.filter((r) => r.app === expected.name);
      if (expected.kind === 'job') {
        // Between runs it is stopped; a job on an every-second schedule may be caught mid-run.
        if (expected.name === 'ticker') t.not(app.status, 'errored', `${at}: never errored (${app.status})`);
        else t.equal(app.status, 'stopped', `${at}: stopped after its run`);
        t.equal(app.last_exit?.exit_code, 0, `${at}: its last run exited 0`);
        t.notOk(app.workers.some((w) => w.state === 'errored' || w.state === 'crashed' || w.state === 'backoff'), `${at}: never taken for a crash`);
        t.ok(mine.length >= 1, `${at}: it ran (${mine.length} runs)`);
        if (expected.name === 'ticker') t.ok(mine.length >= 3, `${at}: ran again on its every-second schedule (${mine.length} runs in 20 s)`);
        else t.equal(mine.length, 1, `${at}: ran once at start, next at its schedule (${app.next_run})`);
      } else {
        const workers = expected.workers === -1 ? app.instances : expected.workers;
        t.equal(app.workers.length, workers, `${at}: ${workers} worker(s)`);
        t.ok(app.workers.every((w) => w.state === 'ready'), `${at}: all ready (${app.workers.map((w) => w.state).join(',')})`);
        t.equal(app.workers.reduce((n, w) => n + w.restarts, 0), 0, `${at}: no crash restart in 20 s`);
        t.same(app.workers.map((w) => w.pid).sort(), pidsAtStart.get(expected.name), `${at}: the same processes as at start`);
        t.equal(mine.length, workers, `${at}: one report per process`);
      }
      for (const report of mine) {
        t.equal(report.env.CORPUS_SHELL, project.dir, `${at}: env of the shell that started it`);
        t.notOk('HOTCTL_HOME' in report.env, `${at}: no hotctl setting in its env`);
        for (const [key, value] of Object.entries(expected.env ?? {})) t.equal(report.env[key], value, `${at}: ${key}`);
        if (expected.cwd) t.equal(report.cwd, join(corpus, project.dir, expected.cwd), `${at}: runs in its own cwd`);
      }
    }
    for (const [relative, pattern] of project.logs ?? []) {
      const file = join(corpus, project.dir, relative);
      t.ok(existsSync(file) && pattern.test(readFileSync(file, 'utf8')), `${project.dir}: ${relative} (relative to the app's cwd) holds ${pattern}`);
    }
  }

  // Web apps answer on their own ports.
  const webPorts: Array<[string, number]> = [
    ['shop-api', portOf.get('01-web-queue-cron')![0]!],
    ['gateway', portOf.get('02-monorepo')![0]!],
    ['users', portOf.get('02-monorepo')![1]!],
    ['storefront', portOf.get('03-npm-start')![0]!],
    ['billing', portOf.get('04-env-production')![0]!],
    ['cms', portOf.get('05-log-paths')![0]!],
    ['notifier', portOf.get('06-camel-case')![0]!],
    ['api-acme', portOf.get('07-computed-apps')![0]!],
    ['api-globex', portOf.get('07-computed-apps')![0]! + 1],
    ['api', portOf.get('08-no-name')![0]!],
    ['static', portOf.get('09-top-level-array')![0]!],
    ['webhook', portOf.get('10-single-object')![0]!],
    ['search', portOf.get('11-json-with-comments')![0]!],
    ['images', portOf.get('12-yaml')![0]!],
    ['socket', portOf.get('13-instance-var')![0]!],
    ['admin', portOf.get('13-instance-var')![1]!],
    ['esm-api', portOf.get('14-esm-project')![0]!],
    ['legacy', portOf.get('15-legacy-keys')![0]!],
  ];
  for (const [name, port] of webPorts) {
    const answer = await get(port);
    t.equal(answer.status, 200, `${name} answers on its port`);
    t.equal(answer.json.app, name, `${name}: the answer comes from ${name}`);
  }

  // instance_var: each socket worker knows its index under the name the file gave.
  const socketReports = reports(join(home.dir, 'reports', '13-instance-var')).filter((r) => r.app === 'socket');
  t.same(socketReports.map((r) => r.env.INSTANCE_ID).sort(), ['0', '1'], 'instance_var INSTANCE_ID: 0 and 1');
});
