/**
 * Drives test/fixtures/apps/harness-primary.mjs, a real node:cluster primary that forks the
 * compiled runtime (dist/src/runtime/worker.js) as src/cluster does, and records what its
 * workers do. Every wait is bounded; teardown SIGKILLs the harness and every worker by pid
 * and checks they are gone, whatever the test's assertions did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request, type Agent, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WorkerToPrimary } from '../../../src/protocol/worker-ipc.js';

/** The repository root (dist/test/unit/runtime → ../../../..). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const APPS = join(ROOT, 'test', 'fixtures', 'apps');
export const app = (name: string): string => join(APPS, name);

export type HarnessEvent =
  | { ev: 'harness-ready'; pid: number }
  | { ev: 'fork'; id: string; pid: number }
  | { ev: 'online'; id: string }
  | { ev: 'listening'; id: string; address: { port: number } }
  | { ev: 'message'; id: string; message: unknown }
  | { ev: 'stdout' | 'stderr'; id: string; line: string }
  | { ev: 'exit'; id: string; code: number | null; signal: string | null };

export interface ForkOptions {
  env?: Record<string, string>;
  waitReady?: boolean;
  reportIntervalMs?: number;
  args?: string[];
}

interface TapLike {
  teardown(fn: () => void | Promise<void>): void;
  comment(...args: unknown[]): void;
}

/** Bound of a wait for an event or a promise: only a failing test waits it out, so it leaves room for a busy machine (two test files at once, a slow fork). */
const DEFAULT_TIMEOUT_MS = 30_000;
/** Bound of one GET (unchanged: a test may wait for a request to give up). */
const REQUEST_TIMEOUT_MS = 10_000;

export class Harness {
  readonly events: HarnessEvent[] = [];
  /** Worker pids by id. */
  readonly pids = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: HarnessEvent;
      try {
        event = JSON.parse(line) as HarnessEvent;
      } catch {
        return;
      }
      if (event.ev === 'fork') this.pids.set(event.id, event.pid);
      this.events.push(event);
      for (const wake of [...this.waiters]) wake();
    });
    child.stderr!.on('data', () => {});
    child.on('exit', () => {
      this.exited = true;
      for (const wake of [...this.waiters]) wake();
    });
  }

  static async start(t: TapLike): Promise<Harness> {
    const child = spawn(process.execPath, [join(APPS, 'harness-primary.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const harness = new Harness(child);
    t.teardown(() => harness.destroy(t));
    await harness.waitFor((e) => e.ev === 'harness-ready', 'the harness to start');
    return harness;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private command(cmd: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Forks a worker running `script` (absolute) and resolves with its pid. */
  async fork(id: string, script: string, opts: ForkOptions = {}): Promise<number> {
    this.command({ op: 'fork', id, script, env: opts.env ?? {}, waitReady: opts.waitReady ?? false, reportIntervalMs: opts.reportIntervalMs ?? 0, args: opts.args ?? [] });
    const e = await this.waitFor((e) => e.ev === 'fork' && e.id === id, `worker ${id} to fork`);
    return (e as { pid: number }).pid;
  }

  shutdown(id: string, graceMs: number): void {
    this.command({ op: 'shutdown', id, graceMs });
  }

  /** Sends `message` to worker `id` over IPC, as the primary would. */
  send(id: string, message: unknown): void {
    this.command({ op: 'send', id, message });
  }

  signal(id: string, signal: NodeJS.Signals): void {
    this.command({ op: 'signal', id, signal });
  }

  /** Makes the primary exit at once, leaving its workers behind. */
  exitPrimary(): void {
    this.command({ op: 'exit' });
  }

  /** Resolves with the first event (past or future) that matches; rejects after `timeoutMs`. */
  waitFor(match: (e: HarnessEvent) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<HarnessEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(match);
        if (found) {
          done();
          resolve(found);
          return true;
        }
        if (this.exited) {
          done();
          reject(new Error(`harness exited while waiting for ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n${this.tail()}`));
      }, timeoutMs);
      const wake = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      if (!check()) this.waiters.add(wake);
    });
  }

  /** The hotctl messages worker `id` has sent so far. */
  messages(id: string): WorkerToPrimary[] {
    // 'listen-started' and 'evaluated' (readiness of processes that serve no port) are left out: tests of them ask listenMessages().
    return this.events.flatMap((e) => (e.ev === 'message' && e.id === id && isHotctl(e.message) && e.message.type !== 'listen-started' && e.message.type !== 'evaluated' ? [e.message] : []));
  }

  /** How many 'listen-started' messages worker `id` has sent. */
  listenMessages(id: string): number {
    return this.events.filter((e) => e.ev === 'message' && e.id === id && isHotctl(e.message) && e.message.type === 'listen-started').length;
  }

  /** Every message worker `id` has sent so far, hotctl's or the app's own. */
  rawMessages(id: string): unknown[] {
    return this.events.flatMap((e) => (e.ev === 'message' && e.id === id ? [e.message] : []));
  }

  stderr(id: string): string {
    return this.events.flatMap((e) => (e.ev === 'stderr' && e.id === id ? [e.line] : [])).join('\n');
  }

  waitForMessage(id: string, type: WorkerToPrimary['type'], timeoutMs?: number): Promise<WorkerToPrimary> {
    return this.waitFor((e) => e.ev === 'message' && e.id === id && isHotctl(e.message) && e.message.type === type, `worker ${id} to send '${type}'`, timeoutMs).then(
      (e) => (e as { message: WorkerToPrimary }).message,
    );
  }

  waitForAppMessage(id: string, fixture: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitFor(
      (e) => e.ev === 'message' && e.id === id && (e.message as { fixture?: unknown })?.fixture === fixture,
      `worker ${id}'s app to send '${fixture}'`,
      timeoutMs,
    ).then((e) => (e as { message: Record<string, unknown> }).message);
  }

  async waitForExit(id: string, timeoutMs?: number): Promise<{ code: number | null; signal: string | null }> {
    const e = (await this.waitFor((e) => e.ev === 'exit' && e.id === id, `worker ${id} to exit`, timeoutMs)) as { code: number | null; signal: string | null };
    return { code: e.code, signal: e.signal };
  }

  tail(n = 15): string {
    return this.events
      .slice(-n)
      .map((e) => JSON.stringify(e))
      .join('\n');
  }

  private async destroy(t: TapLike): Promise<void> {
    const pids = [...this.pids.values()];
    try {
      this.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!this.exited) await new Promise((resolve) => this.child.once('exit', resolve));
    for (const pid of pids) {
      if (!(await pidGone(pid))) t.comment(`worker pid ${pid} still alive after teardown`);
    }
  }
}

function isHotctl(message: unknown): message is WorkerToPrimary {
  return typeof message === 'object' && message !== null && (message as { hotctl?: unknown }).hotctl === 1;
}

/** Whether `pid` is gone (or a zombie awaiting its reaper), polling for at most `timeoutMs`. */
export async function pidGone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/** A GET on 127.0.0.1:`port`, bounded by `timeoutMs`. */
export function get(port: number, path = '/', opts: { agent?: Agent; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: opts.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.setTimeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Load against a port while workers are replaced: counts every answer and every failure. */
export interface Load {
  /** Resolves once `n` more answers have arrived. */
  afterMore(n: number): Promise<void>;
  stop(): Promise<LoadResult>;
}

export interface LoadResult {
  ok: number;
  /** Errors, timeouts and non-2xx answers. */
  failed: number;
  details: string[];
  note?: string;
}

/** Counts answers, and wakes whoever waits for "n more". */
export class AnswerCounter {
  count = 0;
  private wanted = Infinity;
  private wake: (() => void) | undefined;

  add(): void {
    if (++this.count >= this.wanted) {
      this.wanted = Infinity;
      this.wake?.();
    }
  }

  afterMore(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.wanted = this.count + n;
      this.wake = resolve;
    });
  }
}

/**
 * A keep-alive load from Node's own HTTP client: `concurrency` loops, each sending its next
 * GET as soon as the previous answer arrives, on a pooled keep-alive agent. Unlike
 * autocannon, this client honours `Connection: close`, and every request it sends is counted.
 */
export function agentLoad(port: number, concurrency: number): Load {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { ok: 0, failed: 0, details: [] };
  const answers = new AnswerCounter();
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      try {
        const answer = await get(port, '/', { agent });
        if (answer.status >= 200 && answer.status < 300) result.ok++;
        else (result.failed++, result.details.push(`status ${answer.status}`));
      } catch (err) {
        result.failed++;
        result.details.push((err as { code?: string }).code ?? (err as Error).message);
      }
      answers.add();
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    afterMore: (n) => answers.afterMore(n),
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}

/** `promise`, or a rejection naming `what` after `timeoutMs`: every wait in these tests is bounded. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The worker's hotctl messages (reports, heartbeats…) from event index `from`, in order, with their index. */
export function sentFrom<Sent = { type: string }>(h: Harness, from: number): Array<[number, Sent]> {
  const out: Array<[number, Sent]> = [];
  for (let i = from; i < h.events.length; i++) {
    const e = h.events[i]!;
    if (e.ev === 'message' && (e.message as { hotctl?: unknown })?.hotctl === 1) out.push([i, e.message as Sent]);
  }
  return out;
}

/** Index in h.events just after `n` heartbeats in a row (no report between them) sent from `from` on: the worker is quiet. */
export async function quietAfter(h: Harness, from: number, n: number): Promise<number> {
  let at = -1;
  await h.waitFor(() => {
    let run = 0;
    for (const [i, m] of sentFrom(h, from)) {
      run = m.type === 'heartbeat' ? run + 1 : 0;
      if (run === n) {
        at = i + 1;
        return true;
      }
    }
    return false;
  }, `${n} heartbeats in a row (the worker quiet)`);
  return at;
}
