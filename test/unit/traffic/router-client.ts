/**
 * Drives test/fixtures/traffic/router-primary.mjs: a real node:cluster primary with hotctl's
 * router, whose workers (test/fixtures/traffic/worker.mjs) install the worker side and serve.
 * Every wait is bounded; teardown SIGKILLs the primary and every worker by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PRIMARY = join(ROOT, 'test', 'fixtures', 'traffic', 'router-primary.mjs');
const TIMEOUT_MS = 20_000;

export type RouterEvent = { ev: string; id?: number; pid?: number; message?: { ev: string; [k: string]: unknown }; stats?: unknown; tag?: string; [k: string]: unknown };

interface TapLike {
  teardown(fn: () => void | Promise<void>): void;
}

export class RouterPrimary {
  readonly events: RouterEvent[] = [];
  private readonly pids: number[] = [];
  private readonly waiters = new Set<() => void>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as RouterEvent;
      if (event.ev === 'fork') this.pids.push(event.pid!);
      this.events.push(event);
      for (const wake of [...this.waiters]) wake();
    });
    child.stderr!.on('data', () => {});
    child.on('exit', () => {
      this.exited = true;
      for (const wake of [...this.waiters]) wake();
    });
  }

  static async start(t: TapLike, env: Record<string, string> = {}): Promise<RouterPrimary> {
    const child = spawn(process.execPath, [PRIMARY], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const primary = new RouterPrimary(child);
    t.teardown(() => primary.destroy());
    await primary.waitFor((e) => e.ev === 'ready', 'the primary to start');
    return primary;
  }

  command(cmd: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Forks worker `id` and resolves with the address its server listens on. */
  async fork(id: number, revision: number, env: Record<string, string>): Promise<{ port?: number; address?: string } | string> {
    this.command({ op: 'fork', id, revision, env });
    const e = await this.waitFor((e) => e.ev === 'message' && e.id === id && (e.message?.ev === 'listening' || e.message?.ev === 'error'), `worker ${id} to listen`);
    if (e.message!.ev === 'error') throw Object.assign(new Error(`worker ${id}: ${String(e.message!.code)}`), { code: e.message!.code });
    return e.message!.address as { port: number };
  }

  routable(id: number, on: boolean): void {
    this.command({ op: 'routable', id, on });
  }

  async stats(): Promise<Array<Record<string, unknown>>> {
    const tag = String(Math.random());
    this.command({ op: 'stats', tag });
    const e = await this.waitFor((e) => e.ev === 'stats' && e.tag === tag, 'stats');
    return e.stats as Array<Record<string, unknown>>;
  }

  waitFor(match: (e: RouterEvent) => boolean, what: string, timeoutMs = TIMEOUT_MS): Promise<RouterEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(match);
        if (found || this.exited) {
          done();
          if (found) resolve(found);
          else reject(new Error(`primary exited while waiting for ${what}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; last events:\n${this.events.slice(-10).map((e) => JSON.stringify(e)).join('\n')}`));
      }, timeoutMs);
      const wake = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      if (!check()) this.waiters.add(wake);
    });
  }

  private async destroy(): Promise<void> {
    for (const pid of [this.child.pid!, ...this.pids]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!this.exited) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

export interface Target {
  port?: number;
  socketPath?: string;
  tls?: boolean;
}

/** One request on a new connection (`Connection: close`); resolves with the body (the worker id). */
export function get(target: Target, path = '/', timeoutMs = TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = {
      host: '127.0.0.1',
      path,
      agent: false,
      headers: { connection: 'close' },
      ...(target.socketPath ? { socketPath: target.socketPath } : { port: target.port }),
      ...(target.tls ? { rejectUnauthorized: false } : {}),
    };
    const req = (target.tls ? httpsRequest : httpRequest)(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** `n` requests, `parallel` at a time, each on its own connection; the bodies tallied. */
export async function tally(target: Target, n: number, parallel = 8): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      next++;
      const body = await get(target);
      counts.set(body, (counts.get(body) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return counts;
}
