/**
 * Integration-test harness: a private HOTCTL_HOME per test, the built CLI run as a real process,
 * a live event subscription on the daemon's socket, free ports, and a teardown that kills every
 * process the test started (daemon, workers, stray CLIs) by pid and checks they are gone.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { DaemonEvent, OperationSnapshot, StatusSnapshot, SubscriptionTopic } from '../../src/protocol/index.js';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { HOTCTL_VERSION } from '../../src/version.js';
import { isProcessAlive } from '../../src/platform/process-alive.js';
import { SocketClient } from './socket-client.js';

/** The repository root (dist/test/helpers → ../../..). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'hotctl');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'apps');

export interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
  comment(...args: unknown[]): void;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class Home {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly children = new Set<ChildProcess>();

  constructor(t: Teardown, extraEnv: NodeJS.ProcessEnv = {}) {
    // Short path: a unix socket path must fit in ~104 bytes.
    this.dir = realpathSync(mkdtempSync(join(tmpdir(), 'hc-')));
    this.env = { ...process.env, HOTCTL_HOME: this.dir, NO_COLOR: '1', HOTCTL_HTTP_PORT: '0', ...extraEnv };
    delete this.env.NODE_OPTIONS;
    t.teardown(() => this.destroy(t));
  }

  /** Runs the CLI to completion. */
  run(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
    const child = this.spawnCli(args, options.env);
    const begun = Date.now();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`hotctl ${args.join(' ')} did not finish in ${options.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, options.timeoutMs ?? 60_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        trace(`hotctl ${args.join(' ')} → ${code} in ${Date.now() - begun} ms`);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Starts the CLI and returns the process (the caller may kill it). */
  spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    // bin/hotctl itself, as a shell runs it (its sh lines, then Node on the same file).
    const child = spawn(BIN, args, { env: { ...this.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /**
   * The daemon's status document: asked on its socket when a daemon answers there (what
   * `status --json` prints, without a CLI process per call), else from `hotctl status --json`,
   * so that a daemon that is gone is handled as the CLI does (restored when it had apps).
   */
  async status(): Promise<StatusSnapshot> {
    const direct = await this.socketStatus();
    if (direct) return direct;
    const r = await this.run(['status', '--json']);
    if (r.code !== 0) throw new Error(`status failed (${r.code}): ${r.stderr}`);
    return JSON.parse(r.stdout) as StatusSnapshot;
  }

  /** The `status` answer on the daemon's socket; null when no daemon answers there (or refuses our hello). */
  private async socketStatus(): Promise<StatusSnapshot | null> {
    let client: SocketClient;
    try {
      client = await SocketClient.open(this.dir);
    } catch {
      return null;
    }
    try {
      const answer = await client.call('status', {}, 10_000);
      return answer.ok ? (answer.result as unknown as StatusSnapshot) : null;
    } catch {
      return null;
    } finally {
      client.close();
    }
  }

  /**
   * Waits until `pred` holds for the daemon's status — for states reached before any event
   * subscription could exist (a daemon that just came back). Bounded; asks every 50 ms.
   * `socketOnly` asks only a daemon that already answers on the socket, never through the CLI:
   * for a foreground `hotctl run` still starting, where `hotctl status` would restore saved apps
   * in a background daemon of its own and so take the state directory from the run under test.
   */
  async waitForRunStatus(pred: (s: StatusSnapshot) => boolean, timeoutMs = 60_000): Promise<StatusSnapshot> {
    return this.waitForStatus(pred, timeoutMs, { socketOnly: true });
  }

  /**
   * The same wait through `status()`, which may restore a daemon through the CLI.
   */
  async waitForStatus(pred: (s: StatusSnapshot) => boolean, timeoutMs = 60_000, options: { socketOnly?: boolean } = {}): Promise<StatusSnapshot> {
    const deadline = Date.now() + timeoutMs;
    let last: StatusSnapshot | null = null;
    while (Date.now() < deadline) {
      const answer = options.socketOnly ? await this.socketStatus() : await this.status();
      if (answer) last = answer;
      if (answer && pred(answer)) return answer;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`status condition not met in ${timeoutMs} ms; last status:\n${JSON.stringify(last?.apps.map((a) => [a.name, a.status, a.workers.map((w) => w.state)]))}`);
  }

  daemonPid(): number | null {
    try {
      return Number.parseInt(readFileSync(join(this.dir, 'daemon.pid'), 'utf8'), 10);
    } catch {
      return null;
    }
  }

  /** Subscribes to the daemon's events over its socket. */
  async events(topics: SubscriptionTopic[] = ['events']): Promise<EventLog> {
    const log = new EventLog(join(this.dir, 'daemon.sock'));
    await log.open(topics);
    return log;
  }

  private async destroy(t: Teardown): Promise<void> {
    const daemon = this.daemonPid();
    const pids = new Set<number>();
    for (const c of this.children) if (c.pid) pids.add(c.pid);
    if (daemon) for (const p of [daemon, ...descendants(daemon)]) pids.add(p);
    for (const pid of pids) tryKill(pid, 'SIGKILL');
    const left = [...pids].filter(isAlive);
    if (left.length > 0) await waitGone(left, 5000);
    const still = [...pids].filter(isAlive);
    if (still.length > 0) t.comment(`processes still alive after teardown: ${still.join(', ')}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** With HOTCTL_TEST_TRACE=1, one stderr line per step (what ran, how long): where a test spends its time. */
export function trace(line: string): void {
  if (process.env.HOTCTL_TEST_TRACE === '1') process.stderr.write(`[trace ${new Date().toISOString().slice(11, 23)}] ${line}\n`);
}

/** Every event the daemon sent since `open()`, with waits that resolve on arrival. */
export class EventLog {
  readonly events: DaemonEvent[] = [];
  private ws: WebSocket | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly socket: string) {}

  async open(topics: SubscriptionTopic[] = ['events']): Promise<void> {
    const ws = new WebSocket(`ws+unix:${this.socket}`);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let id = 0;
    const call = (method: string, params: unknown) =>
      new Promise<void>((resolve, reject) => {
        const my = ++id;
        const onMessage = (data: WebSocket.RawData) => {
          const msg = JSON.parse(String(data)) as { id?: number; ok?: boolean; error?: unknown };
          if (msg.id !== my) return;
          ws.off('message', onMessage);
          if (msg.ok) resolve();
          else reject(new Error(JSON.stringify(msg.error)));
        };
        ws.on('message', onMessage);
        ws.send(JSON.stringify({ id: my, method, params }));
      });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event?: string; data?: DaemonEvent };
      if (msg.event && msg.data) {
        this.events.push(msg.data);
        for (const w of [...this.waiters]) w();
      }
    });
    await call('hello', { client_version: HOTCTL_VERSION, protocol: PROTOCOL_VERSION });
    await call('subscribe', { topics });
  }

  /** Resolves with the first event (from index `from`) matching `pred`; rejects after `timeoutMs` listing the last events. */
  waitFor(pred: (e: DaemonEvent) => boolean, timeoutMs = 30_000, from = 0): Promise<DaemonEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(pred);
        if (!found) return false;
        this.waiters.delete(check as () => void);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check as () => void);
        reject(new Error(`event not seen in ${timeoutMs} ms; last events:\n${this.describeLast(15)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(check as () => void);
    });
  }

  describeLast(n: number): string {
    return this.events
      .slice(-n)
      .map((e) =>
        e.kind === 'worker'
          ? `worker ${e.app}#${e.worker_id} r${e.revision} ${e.from}→${e.to} (${e.reason})`
          : e.kind === 'operation'
            ? `op ${e.operation.id} ${e.operation.state} ${e.message ?? ''}`
            : e.kind,
      )
      .join('\n');
  }

  close(): void {
    this.ws?.terminate();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Whether 127.0.0.1:port can be listened on now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports, the first returned: for apps whose workers listen on
 * PORT + instance (`increment_var: "PORT"`), where freePort() vouches only for the first.
 */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await freePort();
    if (first + count - 1 > 65535) continue;
    let all = true;
    for (let p = first + 1; p < first + count && all; p++) all = await portFree(p);
    if (all) return first;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1 in 50 attempts`);
}

export interface HttpAnswer {
  status: number;
  body: string;
  json: Record<string, unknown>;
}

/**
 * `n` GETs on new connections, one after another (bounded): the answers counted by the revision
 * they name (fixtures answer with their HOTCTL_REVISION), a non-200 as `status <code>`.
 */
export async function answersByRevision(port: number, n: number): Promise<Map<string, number>> {
  const by = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const answer = await get(port);
    const revision = answer.status === 200 ? String(answer.json.revision) : `status ${answer.status}`;
    by.set(revision, (by.get(revision) ?? 0) + 1);
  }
  return by;
}

/** One GET on a fresh connection (agent: false), 127.0.0.1 only. */
export function get(port: number, path = '/', timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Asks the app for distinct pids until `n` are seen (round-robin spreads requests), bounded in count. */
export async function servingPids(port: number, n: number, maxRequests = 200): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < maxRequests && pids.size < n; i++) pids.add(Number((await get(port)).json.pid));
  return pids;
}

export function descendants(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined) continue;
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length) for (const c of children.get(queue.shift()!) ?? []) (result.push(c), queue.push(c));
  return result;
}

/** True while the process exists and is not a zombie (a killed daemon may wait for its reaper). */
export const isAlive = isProcessAlive;

export function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

/** Waits (bounded) until every pid is gone; resolves false if some are still alive. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((p) => !isAlive(p))) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return pids.every((p) => !isAlive(p));
}

/** Writes an ecosystem file into the test's home and returns its path. Scripts are fixture names. */
export function writeEcosystem(home: Home, apps: Array<Record<string, unknown>>, fileName = 'ecosystem.json'): string {
  const path = join(home.dir, fileName);
  const resolved = apps.map((app) => ({ ...app, script: String(app.script).startsWith('/') ? app.script : join(FIXTURES, String(app.script)) }));
  writeFileSync(path, JSON.stringify({ apps: resolved }, null, 2));
  return path;
}

/** Parses `--json` operation output (JSON lines); returns the last operation snapshot seen. */
export function lastOperation(stdout: string): OperationSnapshot | null {
  let op: OperationSnapshot | null = null;
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const msg = JSON.parse(line) as { operation?: OperationSnapshot; data?: { operation?: OperationSnapshot }; kind?: string; state?: string; id?: string };
      if (msg.operation) op = msg.operation;
      else if (msg.data?.operation) op = msg.data.operation;
      else if (msg.id && msg.state && msg.kind) op = msg as unknown as OperationSnapshot;
    } catch {
      // not JSON
    }
  }
  return op;
}

/**
 * "Deploys" a fixture as `dir/<asName>` the way an operator ships new files: the fixture's
 * siblings it requires (http-app.cjs, package.json) are copied along.
 */
export function deployFixture(dir: string, fixture: string, asName: string): string {
  mkdirSync(dir, { recursive: true });
  for (const sibling of ['http-app.cjs', 'package.json']) copyFileSync(join(FIXTURES, sibling), join(dir, sibling));
  const target = join(dir, asName);
  copyFileSync(join(FIXTURES, fixture), target);
  return target;
}

/** The environment process `pid` was started with (Linux: /proc/<pid>/environ), as a map. */
export function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}
